// Shared by the quantized-product files: weight formats, the packed panel, kernel entry points.
#ifndef IMATRIX_LAB_QP_INTERNAL_H
#define IMATRIX_LAB_QP_INTERNAL_H
#include <stdint.h>
#include <stddef.h>
#include "quantized_product.h"

// ggml type ids.
enum { QP_Q4_0 = 2, QP_Q5_0 = 6, QP_Q8_0 = 8, QP_Q4_K = 12, QP_Q5_K = 13, QP_Q6_K = 14, QP_IQ4_NL = 20, QP_IQ4_XS = 23 };

/// How a weight type meets the kernels.
typedef struct {
    int type;
    int block;          // elements per weight block
    int block_bytes;    // bytes per weight block
    int act_block;      // elements per activation block: 256 (Q8_K) or 32 (Q8_0)
    int sub_block;      // elements per scale: 16 or 32
    int offset;         // the unpacked byte is value + offset (0, 8, 16, 32 or 128: unsigned for vpdpbusd)
    int mins;           // a per-sub-block minimum (Q4_K, Q5_K): value = scale·q − min
} qp_format;

/// The format of `type`, or NULL.
const qp_format *qp_format_of(int type);

/// One weight row unpacked: `q` one byte per element (the value plus the format's offset, an
/// unsigned byte), `scale[j]` and `correction[j]` per sub-block j such that the row's dot
/// product with 8-bit activations a is Σ_j scale[j]·(Σ_{e∈j} q[e]·a[e] − offset·Σ_{e∈j} a[e])
/// − correction[j]·Σ_{e∈j} a[e]: the offset is taken out in integers (exactly, as ggml does),
/// the correction (the k-quant minimum, else 0) in floats. With `signed_values` a format with
/// offset 128 keeps its signed values (offset 0; the AVX2 kernel's sign trick needs that).
void qp_unpack_row(const qp_format *format, const uint8_t *row, int64_t k, uint8_t *q, float *scale, float *correction,
                   int signed_values);

/// Activation row layout: int8 q[k] at 0, float d[k / act_block] at `scales_offset`, float
/// d·Σq per 32 elements at `float_sums_offset` (activation blocks of 256 only), int32 Σq per
/// 16 (blocks of 256 only) and per 32 elements; `sums_offset` is the int32 sums of the weight
/// format's sub-block.
typedef struct {
    size_t scales_offset;
    size_t float_sums_offset;
    size_t sums16_offset;
    size_t sums32_offset;
    size_t sums_offset;
    size_t row_bytes;
} qp_activation_layout;

qp_activation_layout qp_activation_layout_of(const qp_format *format, int64_t k);



/// The columns one pass of the kernels covers: `count` columns from `first` (both multiples of
/// the weight and activation blocks); `accumulate`: the sums continue from `out` (every slice
/// after the first), so the slices together make the same additions, in the same order, as one
/// pass over all columns.
typedef struct {
    int64_t first;
    int64_t count;
    int accumulate;
} qp_slice;

/// Packs the slice's columns of `rows` (≤ width) weight rows of `row_length` elements, unpacked,
/// into the panel layout the kernels read: bytes w[k/4][width][4], then float scale[nsub][width],
/// float correction[nsub][width] (k the slice's column count). Rows past `rows` are zero.
size_t qp_panel_bytes(int64_t k, int sub_block, int width);
void qp_pack_panel(const qp_format *format, const uint8_t *weights, int64_t first_row, int rows, int width,
                   int64_t row_length, const qp_slice *slice, uint8_t *panel, uint8_t *row_scratch, int signed_values);

/// Zeroes one unpacked row (the padding rows of a partial panel): k bytes, nsub scales and
/// corrections.
static inline void qp_clear_unpacked_row(uint8_t *q, float *scale, float *correction, int64_t k, int64_t nsub) {
    for (int64_t e = 0; e < k; e++) q[e] = 0;
    for (int64_t j = 0; j < nsub; j++) scale[j] = correction[j] = 0;
}

/// qp_pack_panel for panels of 16 rows with AVX-512 (the same bytes); `scratch` holds
/// qp_pack_scratch_bytes(format, k, 16).
void qp_pack_panel16_avx512(const qp_format *format, const uint8_t *weights, int64_t first_row, int rows,
                            int64_t row_length, const qp_slice *slice, uint8_t *panel, uint8_t *scratch, int signed_values);

/// Bytes of the unpacking scratch for `rows` rows of `k` columns at once.
size_t qp_pack_scratch_bytes(const qp_format *format, int64_t k, int rows);

/// The kernels: every activation row against one packed panel of `width` weight rows (packed
/// for the slice's columns); writes `rows` (≤ width) outputs per activation row at out + a·ldc.
/// `offset` is the format's, or 0 for a panel packed with signed values.
void qp_panel_scalar(const qp_format *f, int offset, const uint8_t *panel, int width, int rows, const qp_slice *slice,
                     const uint8_t *acts, const qp_activation_layout *layout, int64_t m, float *out, int64_t ldc);
void qp_panel_avx2(const qp_format *f, int offset, const uint8_t *panel, int rows, const qp_slice *slice,
                   const uint8_t *acts, const qp_activation_layout *layout, int64_t m, float *out, int64_t ldc);
void qp_panel_avxvnni(const qp_format *f, int offset, const uint8_t *panel, int rows, const qp_slice *slice,
                      const uint8_t *acts, const qp_activation_layout *layout, int64_t m, float *out, int64_t ldc);
void qp_panel_avx512vl256(const qp_format *f, int offset, const uint8_t *panel, int rows, const qp_slice *slice,
                          const uint8_t *acts, const qp_activation_layout *layout, int64_t m, float *out, int64_t ldc);
void qp_panel_avx512vnni(const qp_format *f, int offset, const uint8_t *panel, int rows, const qp_slice *slice,
                         const uint8_t *acts, const qp_activation_layout *layout, int64_t m, float *out, int64_t ldc);

/// One activation block quantized (256 elements as Q8_K, 32 as Q8_0): the 8-bit values into
/// `y`, their sums per 16 into `sums16`; returns the block's scale. The AVX-512 versions give
/// the same bytes.
float qp_quantize_q8_K_block(const float *v, int8_t *y, int32_t *sums16);
float qp_quantize_q8_0_block(const float *v, int8_t *y, int32_t *sums16);
float qp_quantize_q8_K_block_avx512(const float *v, int8_t *y, int32_t *sums16);
float qp_quantize_q8_0_block_avx512(const float *v, int8_t *y, int32_t *sums16);

float qp_half_to_float(uint16_t h);
uint16_t qp_float_to_half(float f);
#endif
