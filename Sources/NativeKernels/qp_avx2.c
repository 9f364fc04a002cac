// The quantized product with AVX2 (no VNNI): vpmaddubsw of weight bytes with broadcast
// activation bytes, then vpmaddwd with ones. Formats with signed values are packed signed and
// use the sign trick (|w| times a with w's sign), which keeps vpmaddubsw from saturating.
// The other formats' bytes are at most 63, so pairs of products stay below 2^15.
#pragma STDC FP_CONTRACT OFF
#include "qp_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)

#include "qp_ymm_common.inc"
#include "qp_tile.inc"

static inline __m256i qp_sum_pairs(__m256i products16) { return _mm256_madd_epi16(products16, _mm256_set1_epi16(1)); }

#define PREPARE_W(w) (w)
#define DOT(acc, w, prepared, a) \
    _mm256_add_epi32((acc), qp_sum_pairs(_mm256_maddubs_epi16((w), _mm256_set1_epi32(*(const int32_t *)(a)))))
QP_DEFINE_VARIANTS(ymm)
#undef PREPARE_W
#undef DOT

#define PREPARE_W(w) _mm256_abs_epi8(w)
#define DOT(acc, w, prepared, a) \
    _mm256_add_epi32((acc), qp_sum_pairs(_mm256_maddubs_epi16((prepared), _mm256_sign_epi8(_mm256_set1_epi32(*(const int32_t *)(a)), (w)))))
QP_DEFINE_PANEL(signed32, 8, 0, 0)

void qp_panel_avx2(const qp_format *f, int offset, const uint8_t *panel, int rows, const qp_slice *slice, const uint8_t *acts,
                   const qp_activation_layout *layout, int64_t m, float *out, int64_t ldc) {
    if (f->offset == 128) signed32(f, offset, panel, rows, slice, acts, layout, m, out, ldc);
    else ymm_dispatch(f, offset, panel, rows, slice, acts, layout, m, out, ldc);
}

#pragma clang attribute pop
#else
void qp_panel_avx2(const qp_format *f, int offset, const uint8_t *panel, int rows, const qp_slice *slice, const uint8_t *acts,
                   const qp_activation_layout *layout, int64_t m, float *out, int64_t ldc) {
    qp_panel_scalar(f, offset, panel, 8, rows, slice, acts, layout, m, out, ldc);
}
#endif
