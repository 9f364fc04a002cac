// Weight formats for the quantized product: each GGUF block type unpacked to one byte per
// element with per-sub-block float scale and correction; the packed panel; f16 conversions.
#pragma STDC FP_CONTRACT OFF
#include <string.h>
#include "qp_internal.h"

static const qp_format formats[] = {
    {QP_Q4_0, 32, 18, 32, 32, 8, 0},
    {QP_Q5_0, 32, 22, 32, 32, 16, 0},
    {QP_Q8_0, 32, 34, 32, 32, 128, 0},
    {QP_Q4_K, 256, 144, 256, 32, 0, 1},
    {QP_Q5_K, 256, 176, 256, 32, 0, 1},
    {QP_Q6_K, 256, 210, 256, 16, 32, 0},
    {QP_IQ4_NL, 32, 18, 32, 32, 128, 0},
    {QP_IQ4_XS, 256, 136, 256, 32, 128, 0},
};

const qp_format *qp_format_of(int type) {
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        if (formats[i].type == type) return &formats[i];
    }
    return NULL;
}

int imx_qp_supports(int type) { return qp_format_of(type) != NULL; }

float qp_half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exponent = (h >> 10) & 0x1F, mantissa = h & 0x3FF, bits;
    if (exponent == 0) {
        float magnitude = (float)mantissa * 0x1p-24f;
        memcpy(&bits, &magnitude, 4);
        bits |= sign;
    } else if (exponent == 31) {
        bits = sign | 0x7F800000u | (mantissa << 13) | (mantissa ? 0x00400000u : 0);
    } else {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    }
    float value;
    memcpy(&value, &bits, 4);
    return value;
}

uint16_t qp_float_to_half(float f) {
    uint32_t bits;
    memcpy(&bits, &f, 4);
    uint16_t sign = (uint16_t)((bits >> 16) & 0x8000);
    uint32_t magnitude = bits & 0x7FFFFFFFu;
    if (magnitude > 0x7F800000u) return sign | 0x7E00;
    if (magnitude >= 0x477FF000u) return sign | 0x7C00;
    if (magnitude >= 0x38800000u) {
        uint32_t rounded = magnitude + 0x0FFF + ((magnitude >> 13) & 1);
        return sign | (uint16_t)((rounded >> 13) - (112 << 10));
    }
    uint32_t exponent = magnitude >> 23;
    if (exponent < 102) return sign;
    uint32_t significand = (magnitude & 0x007FFFFFu) | 0x00800000u;
    uint32_t shift = 126 - exponent, halfway = 1u << (shift - 1), remainder = significand & ((1u << shift) - 1);
    uint32_t result = significand >> shift;
    if (remainder > halfway || (remainder == halfway && (result & 1))) result++;
    return sign | (uint16_t)result;
}

#define QP_UNPACK_ROW qp_unpack_row
#include "qp_unpack_row.inc"

qp_activation_layout qp_activation_layout_of(const qp_format *f, int64_t k) {
    // The same bytes for every weight format of one activation block size, so one prepared
    // input serves q/k/v or gate/up whatever their types.
    const int large = f->act_block == 256;
    qp_activation_layout layout;
    layout.scales_offset = (size_t)((k + 63) / 64 * 64);
    layout.float_sums_offset = layout.scales_offset + (size_t)(k / f->act_block) * sizeof(float);
    layout.sums16_offset = layout.float_sums_offset + (large ? (size_t)(k / 32) * sizeof(float) : 0);
    layout.sums32_offset = layout.sums16_offset + (large ? (size_t)(k / 16) * sizeof(int32_t) : 0);
    layout.sums_offset = f->sub_block == 16 ? layout.sums16_offset : layout.sums32_offset;
    size_t end = layout.sums32_offset + (size_t)(k / 32) * sizeof(int32_t);
    layout.row_bytes = (end + 63) / 64 * 64;
    return layout;
}

size_t imx_qp_activation_row_bytes(int type, int64_t k) {
    const qp_format *f = qp_format_of(type);
    return f ? qp_activation_layout_of(f, k).row_bytes : 0;
}

int imx_qp_activation_block(int type) {
    const qp_format *f = qp_format_of(type);
    return f ? f->act_block : 0;
}

/// Round half to even by adding and removing 1.5·2²³ (|v| < 2²²), as ggml's nearest_int.
static float nearest(float v) {
    float shifted = v + 12582912.f;
    return shifted - 12582912.f;
}

float qp_quantize_q8_K_block(const float *v, int8_t *y, int32_t *sums16) {
    // quantize_row_q8_K_ref: the first element of largest magnitude sets iscale = -127/max.
    float amax = 0, max = 0;
    for (int j = 0; j < 256; j++) {
        float ax = v[j] < 0 ? -v[j] : v[j];
        if (ax > amax) { amax = ax; max = v[j]; }
    }
    if (amax == 0) {
        memset(y, 0, 256);
        memset(sums16, 0, 16 * sizeof(int32_t));
        return 0;
    }
    const float iscale = -127.f / max;
    for (int j = 0; j < 256; j++) {
        float product = iscale * v[j];
        float level = nearest(product);
        y[j] = (int8_t)(level > 127 ? 127 : (int)level);
    }
    for (int g = 0; g < 16; g++) {
        int sum = 0;
        for (int e = 0; e < 16; e++) sum += y[16 * g + e];
        sums16[g] = sum;
    }
    return 1 / iscale;
}

float qp_quantize_q8_0_block(const float *v, int8_t *y, int32_t *sums16) {
    // AVX2 quantize_row_q8_0: d = f16(max|x|/127), q = round-half-even(x·127/max|x|).
    float amax = 0;
    for (int j = 0; j < 32; j++) {
        float ax = v[j] < 0 ? -v[j] : v[j];
        if (ax > amax) amax = ax;
    }
    float quotient = amax / 127.f;
    const float d = qp_half_to_float(qp_float_to_half(quotient));
    const float id = amax != 0 ? 127.f / amax : 0.f;
    for (int j = 0; j < 32; j++) {
        float product = v[j] * id;
        y[j] = (int8_t)(int)nearest(product);
    }
    for (int g = 0; g < 2; g++) {
        int sum = 0;
        for (int e = 0; e < 16; e++) sum += y[16 * g + e];
        sums16[g] = sum;
    }
    return d;
}

void imx_qp_quantize_activations(int isa, int type, const float *x, int64_t rows, int64_t k, void *out) {
    const qp_format *f = qp_format_of(type);
    if (!f) return;
    const qp_activation_layout layout = qp_activation_layout_of(f, k);
    const int vector = isa == IMX_QP_AVX512VNNI && imx_qp_isa_available(IMX_QP_AVX512VNNI);
    const int large = f->act_block == 256;
    float (*block)(const float *, int8_t *, int32_t *) =
        large ? (vector ? qp_quantize_q8_K_block_avx512 : qp_quantize_q8_K_block)
              : (vector ? qp_quantize_q8_0_block_avx512 : qp_quantize_q8_0_block);
    int32_t group_sums[16];
    for (int64_t r = 0; r < rows; r++) {
        const float *row = x + r * k;
        uint8_t *base = (uint8_t *)out + r * layout.row_bytes;
        int8_t *q = (int8_t *)base;
        float *d = (float *)(base + layout.scales_offset);
        // Σq per 16 (Q8_K's bsums) and per 32 elements, and d·Σq per 32 for the k-quant minimums.
        float *float_sums = (float *)(base + layout.float_sums_offset);
        int32_t *sums16 = (int32_t *)(base + layout.sums16_offset), *sums32 = (int32_t *)(base + layout.sums32_offset);
        for (int64_t b = 0; b < k / f->act_block; b++) {
            d[b] = block(row + b * f->act_block, q + b * f->act_block, group_sums);
            const int groups = f->act_block / 16;
            for (int g = 0; g < groups; g += 2) {
                const int64_t j = (b * f->act_block) / 32 + g / 2;
                if (large) {
                    sums16[2 * j] = group_sums[g];
                    sums16[2 * j + 1] = group_sums[g + 1];
                    float_sums[j] = d[b] * (float)(group_sums[g] + group_sums[g + 1]);
                }
                sums32[j] = group_sums[g] + group_sums[g + 1];
            }
        }
    }
}

size_t qp_panel_bytes(int64_t k, int sub_block, int width) {
    return (size_t)k * width + 2 * (size_t)(k / sub_block) * width * sizeof(float);
}

void qp_pack_panel(const qp_format *f, const uint8_t *weights, int64_t first_row, int rows, int width, int64_t row_length,
                   const qp_slice *slice, uint8_t *panel, uint8_t *row_scratch, int signed_values) {
    const int64_t k = slice->count, nsub = k / f->sub_block;
    const size_t row_bytes = (size_t)(row_length / f->block) * f->block_bytes;
    weights += (size_t)(slice->first / f->block) * f->block_bytes;
    uint8_t *q = row_scratch;
    float *scale = (float *)(row_scratch + ((k + 63) / 64 * 64)), *correction = scale + nsub;
    float *panel_scale = (float *)(panel + (size_t)k * width), *panel_correction = panel_scale + nsub * width;
    for (int r = 0; r < width; r++) {
        if (r < rows) {
            qp_unpack_row(f, weights + (size_t)(first_row + r) * row_bytes, k, q, scale, correction, signed_values);
        } else {
            qp_clear_unpacked_row(q, scale, correction, k, nsub);
        }
        for (int64_t e = 0; e < k; e += 4) memcpy(panel + ((e / 4) * width + r) * 4, q + e, 4);
        for (int64_t j = 0; j < nsub; j++) {
            panel_scale[j * width + r] = scale[j];
            panel_correction[j * width + r] = correction[j];
        }
    }
}
