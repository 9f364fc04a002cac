// ggml's 8-bit activation blocks with AVX-512: the same bytes and scales as the portable
// quantizers in qp_formats.c (the same float operations per element, rint for nearest_int).
#pragma STDC FP_CONTRACT OFF
#include <string.h>
#include "qp_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl"))), apply_to = function)

#define ROUND_HALF_EVEN (_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)

/// 16 int32 lanes to int8 (values are within ±127) and their sum.
static inline int32_t store16(__m512i levels, int8_t *y) {
    _mm_storeu_si128((__m128i *)y, _mm512_cvtsepi32_epi8(levels));
    return _mm512_reduce_add_epi32(levels);
}

float qp_quantize_q8_K_block_avx512(const float *v, int8_t *y, int32_t *sums16) {
    __m512 largest = _mm512_setzero_ps();
    for (int j = 0; j < 256; j += 16) largest = _mm512_max_ps(largest, _mm512_abs_ps(_mm512_loadu_ps(v + j)));
    const float amax = _mm512_reduce_max_ps(largest);
    if (amax == 0) {
        memset(y, 0, 256);
        memset(sums16, 0, 16 * sizeof(int32_t));
        return 0;
    }
    int first = 0;
    while ((v[first] < 0 ? -v[first] : v[first]) != amax) first++;
    const float iscale = -127.f / v[first];
    const __m512 scale = _mm512_set1_ps(iscale), limit = _mm512_set1_ps(127);
    for (int g = 0; g < 16; g++) {
        __m512 product = _mm512_mul_ps(scale, _mm512_loadu_ps(v + 16 * g));
        __m512 level = _mm512_min_ps(_mm512_roundscale_ps(product, ROUND_HALF_EVEN), limit);
        sums16[g] = store16(_mm512_cvtps_epi32(level), y + 16 * g);
    }
    return 1 / iscale;
}

float qp_quantize_q8_0_block_avx512(const float *v, int8_t *y, int32_t *sums16) {
    const __m512 low = _mm512_loadu_ps(v), high = _mm512_loadu_ps(v + 16);
    const float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(low), _mm512_abs_ps(high)));
    const float quotient = amax / 127.f;
    const float d = qp_half_to_float(qp_float_to_half(quotient));
    const __m512 id = _mm512_set1_ps(amax != 0 ? 127.f / amax : 0.f);
    sums16[0] = store16(_mm512_cvtps_epi32(_mm512_roundscale_ps(_mm512_mul_ps(low, id), ROUND_HALF_EVEN)), y);
    sums16[1] = store16(_mm512_cvtps_epi32(_mm512_roundscale_ps(_mm512_mul_ps(high, id), ROUND_HALF_EVEN)), y + 16);
    return d;
}

#pragma clang attribute pop
#else
float qp_quantize_q8_K_block_avx512(const float *v, int8_t *y, int32_t *sums16) { return qp_quantize_q8_K_block(v, y, sums16); }
float qp_quantize_q8_0_block_avx512(const float *v, int8_t *y, int32_t *sums16) { return qp_quantize_q8_0_block(v, y, sums16); }
#endif
