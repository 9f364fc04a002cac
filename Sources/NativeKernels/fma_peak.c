// The CPU's float32 FMA throughput, measured: many independent fused multiply-adds on the
// widest vectors the CPU has, for the "fraction of peak" figures of the benchmarks.
#include "native_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define CHAINS 16

__attribute__((target("avx512f")))
static float peak_avx512(uint64_t rounds) {
    __m512 acc[CHAINS];
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_set1_ps((float)i * 1e-3f);
    const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    for (uint64_t r = 0; r < rounds; r++) {
        for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    }
    __m512 sum = acc[0];
    for (int i = 1; i < CHAINS; i++) sum = _mm512_add_ps(sum, acc[i]);
    return _mm512_reduce_add_ps(sum);
}

__attribute__((target("avx2,fma")))
static float peak_avx2(uint64_t rounds) {
    __m256 acc[CHAINS];
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm256_set1_ps((float)i * 1e-3f);
    const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    for (uint64_t r = 0; r < rounds; r++) {
        for (int i = 0; i < CHAINS; i++) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
    }
    __m256 sum = acc[0];
    for (int i = 1; i < CHAINS; i++) sum = _mm256_add_ps(sum, acc[i]);
    float lanes[8];
    _mm256_storeu_ps(lanes, sum);
    return lanes[0] + lanes[1] + lanes[2] + lanes[3] + lanes[4] + lanes[5] + lanes[6] + lanes[7];
}

static float peak_sse(uint64_t rounds) {
    __m128 acc[CHAINS];
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm_set1_ps((float)i * 1e-3f);
    const __m128 a = _mm_set1_ps(0.999999f), b = _mm_set1_ps(1e-7f);
    for (uint64_t r = 0; r < rounds; r++) {
        for (int i = 0; i < CHAINS; i++) acc[i] = _mm_add_ps(_mm_mul_ps(acc[i], a), b);
    }
    __m128 sum = acc[0];
    for (int i = 1; i < CHAINS; i++) sum = _mm_add_ps(sum, acc[i]);
    float lanes[4];
    _mm_storeu_ps(lanes, sum);
    return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

uint64_t imx_fma_probe(int width, uint64_t rounds, float *sink) {
    float result;
    uint64_t lanes;
    switch (width) {
    case 512: result = peak_avx512(rounds); lanes = 16; break;
    case 256: result = peak_avx2(rounds); lanes = 8; break;
    default: result = peak_sse(rounds); lanes = 4; break;
    }
    if (sink) *sink = result;
    return rounds * CHAINS * lanes * 2;
}
#else
uint64_t imx_fma_probe(int width, uint64_t rounds, float *sink) {
    (void)width;
    float x = 0.5f;
    for (uint64_t r = 0; r < rounds; r++) x = x * 0.999999f + 1e-7f;
    if (sink) *sink = x;
    return rounds * 2;
}
#endif
