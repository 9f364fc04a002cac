// The AVX-512 kernel's panel packing: the 16 weight rows unpacked (Q4_K and Q6_K by hand, the
// other types by the portable unpacking compiled for AVX-512), then their bytes interleaved four at a time by 16 × 16 transposes of
// 32-bit groups, in registers. The same panel bytes as qp_pack_panel.
#pragma STDC FP_CONTRACT OFF
#include <string.h>
#include "qp_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,f16c"))), apply_to = function)

#define QP_UNPACK_ROW qp_unpack_row_avx512
#include "qp_unpack_row.inc"

static inline float half_to_float(const uint8_t *p) {
    return _cvtsh_ss((unsigned short)(p[0] | (p[1] << 8)));
}

/// Q4_K rows: per 256-element block, 4 × 32 bytes of nibbles (low nibbles first, then high).
static void unpack_q4_K(const uint8_t *row, int64_t k, uint8_t *q, float *scale, float *correction) {
    const __m256i low = _mm256_set1_epi8(0x0F);
    for (int64_t b = 0; b < k / 256; b++) {
        const uint8_t *x = row + b * 144;
        const uint8_t *scales = x + 4, *qs = x + 16;
        uint8_t *y = q + b * 256;
        for (int chunk = 0; chunk < 4; chunk++) {
            const __m256i v = _mm256_loadu_si256((const __m256i *)(qs + 32 * chunk));
            _mm256_storeu_si256((__m256i *)(y + 64 * chunk), _mm256_and_si256(v, low));
            _mm256_storeu_si256((__m256i *)(y + 64 * chunk + 32), _mm256_and_si256(_mm256_srli_epi16(v, 4), low));
        }
        const float d = half_to_float(x), dmin = half_to_float(x + 2);
        float *s = scale + b * 8, *c = correction + b * 8;
        for (int j = 0; j < 8; j++) {
            int sc, mn;
            k4_scale_min(j, scales, &sc, &mn);
            s[j] = d * (float)sc;
            c[j] = dmin * (float)mn;
        }
    }
}

/// Q6_K rows: per 256-element block, low 4 bits in ql, high 2 bits in qh, 16 int8 scales.
static void unpack_q6_K(const uint8_t *row, int64_t k, uint8_t *q, float *scale, float *correction) {
    const __m256i low = _mm256_set1_epi8(0x0F), high = _mm256_set1_epi8(0x30);
    for (int64_t b = 0; b < k / 256; b++) {
        const uint8_t *x = row + b * 210;
        uint8_t *y = q + b * 256;
        for (int half = 0; half < 2; half++) {
            const uint8_t *l = x + 64 * half, *h = x + 128 + 32 * half;
            uint8_t *out = y + 128 * half;
            const __m256i l0 = _mm256_loadu_si256((const __m256i *)l), l1 = _mm256_loadu_si256((const __m256i *)(l + 32));
            const __m256i hb = _mm256_loadu_si256((const __m256i *)h);
            const __m256i l0_high = _mm256_and_si256(_mm256_srli_epi16(l0, 4), low);
            const __m256i l1_high = _mm256_and_si256(_mm256_srli_epi16(l1, 4), low);
            _mm256_storeu_si256((__m256i *)out,
                                _mm256_or_si256(_mm256_and_si256(l0, low), _mm256_and_si256(_mm256_slli_epi16(hb, 4), high)));
            _mm256_storeu_si256((__m256i *)(out + 32),
                                _mm256_or_si256(_mm256_and_si256(l1, low), _mm256_and_si256(_mm256_slli_epi16(hb, 2), high)));
            _mm256_storeu_si256((__m256i *)(out + 64), _mm256_or_si256(l0_high, _mm256_and_si256(hb, high)));
            _mm256_storeu_si256((__m256i *)(out + 96),
                                _mm256_or_si256(l1_high, _mm256_and_si256(_mm256_srli_epi16(hb, 2), high)));
        }
        const int8_t *scales = (const int8_t *)(x + 192);
        const float d = half_to_float(x + 208);
        for (int j = 0; j < 16; j++) {
            scale[b * 16 + j] = d * (float)scales[j];
            correction[b * 16 + j] = 0;
        }
    }
}

/// One row unpacked: the hand-written Q4_K and Q6_K (the k-quant mixes' bulk), else the
/// portable code compiled for AVX-512.
static void unpack_row(const qp_format *f, const uint8_t *row, int64_t k, uint8_t *q, float *scale, float *correction,
                       int signed_values) {
    switch (f->type) {
    case QP_Q4_K: unpack_q4_K(row, k, q, scale, correction); break;
    case QP_Q6_K: unpack_q6_K(row, k, q, scale, correction); break;
    default: qp_unpack_row_avx512(f, row, k, q, scale, correction, signed_values); break;
    }
}

/// 16 vectors of 16 lanes transposed in place: lane j of vector i becomes lane i of vector j.
static inline void transpose16(__m512i v[16]) {
    __m512i t[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_epi32(v[i], v[i + 1]);
        t[i + 1] = _mm512_unpackhi_epi32(v[i], v[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        v[i] = _mm512_unpacklo_epi64(t[i], t[i + 2]);
        v[i + 1] = _mm512_unpackhi_epi64(t[i], t[i + 2]);
        v[i + 2] = _mm512_unpacklo_epi64(t[i + 1], t[i + 3]);
        v[i + 3] = _mm512_unpackhi_epi64(t[i + 1], t[i + 3]);
    }
    // Now v[4q + c] holds, in its 128-bit lane L, rows 4q … 4q+3 of column 4L + c: moving the
    // 128-bit lanes gathers each column's four quarters.
    for (int i = 0; i < 4; i++) {
        const __m512i a = v[i], b = v[i + 4], c = v[i + 8], d = v[i + 12];
        const __m512i ab_lo = _mm512_shuffle_i32x4(a, b, 0x44), ab_hi = _mm512_shuffle_i32x4(a, b, 0xEE);
        const __m512i cd_lo = _mm512_shuffle_i32x4(c, d, 0x44), cd_hi = _mm512_shuffle_i32x4(c, d, 0xEE);
        t[i] = _mm512_shuffle_i32x4(ab_lo, cd_lo, 0x88);
        t[i + 4] = _mm512_shuffle_i32x4(ab_lo, cd_lo, 0xDD);
        t[i + 8] = _mm512_shuffle_i32x4(ab_hi, cd_hi, 0x88);
        t[i + 12] = _mm512_shuffle_i32x4(ab_hi, cd_hi, 0xDD);
    }
    for (int i = 0; i < 16; i++) v[i] = t[i];
}

void qp_pack_panel16_avx512(const qp_format *f, const uint8_t *weights, int64_t first_row, int rows, int64_t row_length,
                            const qp_slice *slice, uint8_t *panel, uint8_t *scratch, int signed_values) {
    enum { width = 16 };
    const int64_t k = slice->count, nsub = k / f->sub_block;
    const size_t row_bytes = (size_t)(row_length / f->block) * f->block_bytes;
    const size_t q_stride = (size_t)((k + 63) / 64 * 64);
    weights += (size_t)(slice->first / f->block) * f->block_bytes;
    uint8_t *q = scratch;
    float *scale = (float *)(scratch + q_stride * width), *correction = scale + nsub * width;
    for (int r = 0; r < width; r++) {
        uint8_t *row_q = q + q_stride * r;
        float *row_scale = scale + nsub * r, *row_correction = correction + nsub * r;
        if (r < rows) {
            unpack_row(f, weights + (size_t)(first_row + r) * row_bytes, k, row_q, row_scale, row_correction, signed_values);
        } else {
            qp_clear_unpacked_row(row_q, row_scale, row_correction, k, nsub);
        }
    }
    // Bytes: the panel's 64-byte vector g holds 4 bytes of each row from column 4g; 16 such
    // vectors come from one 64-byte piece of every row, transposed as 32-bit lanes.
    int64_t e = 0;
    for (; e + 64 <= k; e += 64) {
        __m512i v[16];
        for (int r = 0; r < width; r++) v[r] = _mm512_loadu_si512((const void *)(q + q_stride * r + e));
        transpose16(v);
        for (int g = 0; g < 16; g++) _mm512_storeu_si512((void *)(panel + (e / 4 + g) * width * 4), v[g]);
    }
    for (; e < k; e += 4) {
        for (int r = 0; r < width; r++) memcpy(panel + ((e / 4) * width + r) * 4, q + q_stride * r + e, 4);
    }
    float *panel_scale = (float *)(panel + (size_t)k * width), *panel_correction = panel_scale + nsub * width;
    for (int64_t j = 0; j < nsub; j++) {
        for (int r = 0; r < width; r++) {
            panel_scale[j * width + r] = scale[nsub * r + j];
            panel_correction[j * width + r] = correction[nsub * r + j];
        }
    }
}

#pragma clang attribute pop
#else
void qp_pack_panel16_avx512(const qp_format *f, const uint8_t *weights, int64_t first_row, int rows, int64_t row_length,
                            const qp_slice *slice, uint8_t *panel, uint8_t *scratch, int signed_values) {
    qp_pack_panel(f, weights, first_row, rows, 16, row_length, slice, panel, scratch, signed_values);
}
#endif
