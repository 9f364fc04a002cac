// The trial sums of ggml's weighted symmetric scale search (make_qx_quants, rmse_type 1):
// for each of up to 24 inverse scales, Σ w·x·l and Σ w·l·l with l = clamp(nearest_int(s·x)).
// One lane per trial; every lane adds its terms in element order with separate multiplies and
// adds (no fused multiply-add), so each lane's sums are the scalar C loop's bits.
#pragma STDC FP_CONTRACT OFF
#include "native_kernels.h"
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

static inline int32_t nearest_level(float value, int32_t lo, int32_t hi) {
    float shifted = value + 12582912.f;
    int32_t bits;
    memcpy(&bits, &shifted, sizeof bits);
    int32_t level = (bits & 0x007fffff) - 0x00400000;
    return level < lo ? lo : (level > hi ? hi : level);
}

static void trials_scalar(int n, int nmax, const float *x, const float *w, const float *iscale,
                          float *sumlx, float *suml2) {
    for (int t = 0; t < IMX_SCALE_TRIALS; ++t) { sumlx[t] = 0; suml2[t] = 0; }
    for (int i = 0; i < n; ++i) {
        const float wx = w[i] * x[i];
        for (int t = 0; t < IMX_SCALE_TRIALS; ++t) {
            const float l = (float) nearest_level(iscale[t] * x[i], -nmax, nmax - 1);
            sumlx[t] = sumlx[t] + wx * l;
            suml2[t] = suml2[t] + (w[i] * l) * l;
        }
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
static void trials_avx2(int n, int nmax, const float *x, const float *w, const float *iscale,
                        float *sumlx, float *suml2) {
    const __m256 magic = _mm256_set1_ps(12582912.f);
    const __m256i mask = _mm256_set1_epi32(0x007fffff), bias = _mm256_set1_epi32(0x00400000);
    const __m256i lo = _mm256_set1_epi32(-nmax), hi = _mm256_set1_epi32(nmax - 1);
    __m256 s[3], lx[3], l2[3];
    for (int v = 0; v < 3; ++v) {
        s[v] = _mm256_loadu_ps(iscale + 8 * v);
        lx[v] = _mm256_setzero_ps();
        l2[v] = _mm256_setzero_ps();
    }
    for (int i = 0; i < n; ++i) {
        const __m256 xi = _mm256_set1_ps(x[i]);
        const __m256 wi = _mm256_set1_ps(w[i]);
        const __m256 wx = _mm256_set1_ps(w[i] * x[i]);
        for (int v = 0; v < 3; ++v) {
            __m256i bits = _mm256_castps_si256(_mm256_add_ps(_mm256_mul_ps(s[v], xi), magic));
            __m256i level = _mm256_sub_epi32(_mm256_and_si256(bits, mask), bias);
            level = _mm256_max_epi32(lo, _mm256_min_epi32(hi, level));
            const __m256 l = _mm256_cvtepi32_ps(level);
            lx[v] = _mm256_add_ps(lx[v], _mm256_mul_ps(wx, l));
            l2[v] = _mm256_add_ps(l2[v], _mm256_mul_ps(_mm256_mul_ps(wi, l), l));
        }
    }
    for (int v = 0; v < 3; ++v) {
        _mm256_storeu_ps(sumlx + 8 * v, lx[v]);
        _mm256_storeu_ps(suml2 + 8 * v, l2[v]);
    }
}
#endif

void imx_scale_trials(int n, int nmax, const float *x, const float *w, const float *iscale,
                      float *sumlx, float *suml2) {
#if defined(__x86_64__)
    static int avx2 = -1;
    if (avx2 < 0) avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
    if (avx2) { trials_avx2(n, nmax, x, w, iscale, sumlx, suml2); return; }
#endif
    trials_scalar(n, nmax, x, w, iscale, sumlx, suml2);
}
