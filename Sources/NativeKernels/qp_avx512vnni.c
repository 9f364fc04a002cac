// The quantized product with AVX-512 VNNI: 16 weight rows per panel (one int32 lane each),
// vpdpbusd of the unsigned weight bytes with 4 broadcast activation bytes, 8 activation rows
// per tile.
#pragma STDC FP_CONTRACT OFF
#include "qp_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,fma"))), apply_to = function)

#define QP_WIDTH 16
#define QP_ROWS 8
#define VEC_I __m512i
#define VEC_F __m512
#define ZERO_I() _mm512_setzero_si512()
#define SET_I(x) _mm512_set1_epi32(x)
#define ZERO_F() _mm512_setzero_ps()
#define LOAD_W(p) _mm512_loadu_si512((const void *)(p))
#define PREPARE_W(w) (w)
#define DOT(acc, w, prepared, a) _mm512_dpbusd_epi32((acc), (w), _mm512_set1_epi32(*(const int32_t *)(a)))
#define CVT(i) _mm512_cvtepi32_ps(i)
#define LOAD_F(p) _mm512_loadu_ps(p)
#define BROADCAST_F(p) _mm512_set1_ps(*(p))
#define FMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define FNMA(a, b, c) _mm512_fnmadd_ps((a), (b), (c))
#define STORE_F(p, v, n) _mm512_mask_storeu_ps((p), (__mmask16)((1u << (n)) - 1), (v))
#define LOAD_FIRST_F(p, n) _mm512_maskz_loadu_ps((__mmask16)((1u << (n)) - 1), (p))

#include "qp_tile.inc"

QP_DEFINE_VARIANTS(zmm)

void qp_panel_avx512vnni(const qp_format *f, int offset, const uint8_t *panel, int rows, const qp_slice *slice, const uint8_t *acts,
                         const qp_activation_layout *layout, int64_t m, float *out, int64_t ldc) {
    zmm_dispatch(f, offset, panel, rows, slice, acts, layout, m, out, ldc);
}

#pragma clang attribute pop
#else
void qp_panel_avx512vnni(const qp_format *f, int offset, const uint8_t *panel, int rows, const qp_slice *slice, const uint8_t *acts,
                         const qp_activation_layout *layout, int64_t m, float *out, int64_t ldc) {
    qp_panel_scalar(f, offset, panel, 16, rows, slice, acts, layout, m, out, ldc);
}
#endif
