// The quantized product in portable C: the reference the vector kernels are tested against,
// and the path on CPUs without AVX2.
#pragma STDC FP_CONTRACT OFF
#include "qp_internal.h"

void qp_panel_scalar(const qp_format *f, int offset, const uint8_t *panel, int width, int rows, const qp_slice *slice,
                     const uint8_t *acts, const qp_activation_layout *layout, int64_t m, float *out, int64_t ldc) {
    const int64_t k0 = slice->first, k = slice->count;
    const int64_t nsub = k / f->sub_block;
    const float *scales = (const float *)(panel + k * width), *corrections = scales + nsub * width;
    const int subs = f->act_block / f->sub_block;
    for (int64_t a = 0; a < m; a++) {
        const uint8_t *row = acts + (size_t)a * layout->row_bytes;
        const int8_t *q = (const int8_t *)row + k0;
        const float *d = (const float *)(row + layout->scales_offset) + k0 / f->act_block;
        const float *fsum = (const float *)(row + layout->float_sums_offset) + k0 / 32;
        const int32_t *isum = (const int32_t *)(row + layout->sums_offset) + k0 / f->sub_block;
        for (int r = 0; r < rows; r++) {
            float total = slice->accumulate ? out[a * ldc + r] : 0;
            int64_t j = 0;
            for (int64_t b = 0; b < k / f->act_block; b++) {
                float accumulated = 0;
                for (int s = 0; s < subs; s++, j++) {
                    int32_t sum = -offset * isum[j];
                    for (int64_t e = j * f->sub_block; e < (j + 1) * f->sub_block; e++) {
                        int32_t w = panel[((e / 4) * width + r) * 4 + (e % 4)];
                        sum += w * q[e];
                    }
                    float product = (float)sum * scales[j * width + r];
                    accumulated = accumulated + product;
                    if (f->mins) {
                        float corrected = corrections[j * width + r] * fsum[j];
                        total = total - corrected;
                    }
                }
                float block = accumulated * d[b];
                total = total + block;
            }
            out[a * ldc + r] = total;
        }
    }
}
