// The quantized product with AVX-512 VNNI on 256-bit vectors: the AVX-VNNI kernel's code with EVEX encoding, so a CPU with AVX-512 VNNI but no AVX-VNNI runs (and tests) it:
// vpdpbusd of the unsigned weight bytes with 4 broadcast activation bytes, 8 weight rows per
// panel, 4 activation rows per tile.
#pragma STDC FP_CONTRACT OFF
#include "qp_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>
#pragma clang attribute push(__attribute__((target("avx2,fma,avx512f,avx512vl,avx512vnni"))), apply_to = function)

#include "qp_ymm_common.inc"
#include "qp_tile.inc"

#define PREPARE_W(w) (w)
#define DOT(acc, w, prepared, a) _mm256_dpbusd_epi32((acc), (w), _mm256_set1_epi32(*(const int32_t *)(a)))
QP_DEFINE_VARIANTS(ymm)

void qp_panel_avx512vl256(const qp_format *f, int offset, const uint8_t *panel, int rows, const qp_slice *slice, const uint8_t *acts,
                   const qp_activation_layout *layout, int64_t m, float *out, int64_t ldc) {
    ymm_dispatch(f, offset, panel, rows, slice, acts, layout, m, out, ldc);
}

#pragma clang attribute pop
#else
void qp_panel_avx512vl256(const qp_format *f, int offset, const uint8_t *panel, int rows, const qp_slice *slice, const uint8_t *acts,
                   const qp_activation_layout *layout, int64_t m, float *out, int64_t ldc) {
    qp_panel_scalar(f, offset, panel, 8, rows, slice, acts, layout, m, out, ldc);
}
#endif
