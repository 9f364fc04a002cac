#ifndef IMATRIX_LAB_QUANTIZED_PRODUCT_H
#define IMATRIX_LAB_QUANTIZED_PRODUCT_H
// The quantized-activation product: out = X · Wᵀ where W stays in its GGUF blocks and X is
// rounded to ggml's 8-bit activation blocks (Q8_K for k-quants and IQ4_XS, Q8_0 for the
// 32-element types), with integer dot products per sub-block — ggml's CPU arithmetic, so the
// result equals the float path (dequantized W times the rounded X in float32) within float
// rounding. Kernels: AVX-512 VNNI, AVX-VNNI, AVX2, and portable C, chosen at run time.
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction sets of the kernels, best last.
enum imx_qp_isa {
    IMX_QP_SCALAR = 0,
    IMX_QP_AVX2 = 1,
    IMX_QP_AVX512VL_256 = 2, // the AVX-VNNI kernel's code, encoded with AVX-512 VL (for testing it)
    IMX_QP_AVXVNNI = 3,
    IMX_QP_AVX512VNNI = 4,
};

/// Whether `isa` can run on this CPU.
int imx_qp_isa_available(int isa);

/// The best kernel for this CPU.
int imx_qp_best_isa(void);

/// Whether weights of ggml type `type` (Q4_0 2, Q5_0 6, Q8_0 8, Q4_K 12, Q5_K 13, Q6_K 14,
/// IQ4_NL 20, IQ4_XS 23) have a kernel.
int imx_qp_supports(int type);

/// Bytes of one row of `k` activations prepared for weights of `type` (a multiple of 64).
size_t imx_qp_activation_row_bytes(int type, int64_t k);

/// Elements per activation block for weights of `type`: 256 (Q8_K) or 32 (Q8_0). Weights
/// with the same block size share prepared activations.
int imx_qp_activation_block(int type);

/// Rounds `rows` rows of `k` floats (`x`, row stride `k`) to the activation format of `type`,
/// into `out` (rows × imx_qp_activation_row_bytes bytes, 64-byte aligned). The 8-bit values
/// and scales are those of ggml's quantize_row_q8_K_ref / AVX2 quantize_row_q8_0, with AVX-512
/// when `isa` is IMX_QP_AVX512VNNI (and the CPU has it), else portable code: the same bytes.
void imx_qp_quantize_activations(int isa, int type, const float *x, int64_t rows, int64_t k, void *out);

/// Bytes of the per-thread scratch a product needs for `k` columns.
size_t imx_qp_scratch_bytes(int type, int64_t k);

/// out[a·ldc + r] = Σ_e X[a][e] · W[r][e] for activation rows a < m and weight rows
/// r_begin ≤ r < r_end (out's column r − r_begin). `weights` points at weight row 0 (rows of
/// `k` elements in `type`'s blocks), `activations` at the prepared rows, `scratch` at
/// imx_qp_scratch_bytes bytes (64-byte aligned). `k` must be a multiple of 256 for k-quant
/// and IQ4_XS weights and of 32 otherwise.
void imx_qp_product(int isa, int type, const void *weights, int64_t r_begin, int64_t r_end, int64_t k,
                    const void *activations, int64_t m, float *out, int64_t ldc, void *scratch);

/// Bytes of activations one pass of the product holds (m × columns of one column slice): a
/// third of the last-level cache, within 4 … 16 MiB. Larger inputs are multiplied slice by
/// slice with the same additions in the same order, so the result does not depend on it.
int64_t imx_qp_slice_bytes(void);

/// Sets the slice budget (≥ 1 byte; 0 restores the automatic one): for tests of the slicing.
void imx_qp_set_slice_bytes(int64_t bytes);

#ifdef __cplusplus
}
#endif
#endif
