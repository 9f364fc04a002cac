#ifndef IMATRIX_LAB_NATIVE_KERNELS_H
#define IMATRIX_LAB_NATIVE_KERNELS_H
// C kernels of imatrix-lab that Swift cannot express: CPU identification (CPUID, XGETBV),
// an FMA throughput probe, the state of the C standard output stream.
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Runs CPUID for `leaf`/`subleaf`; writes EAX, EBX, ECX, EDX into `registers`. Returns 0 when
/// the instruction or the leaf is unavailable (registers are then zero), 1 otherwise.
int imx_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t registers[4]);

/// XCR0 (the register state the operating system saves, XGETBV with ECX = 0), or 0 when the
/// CPU or the OS does not support XGETBV.
uint64_t imx_xcr0(void);

/// Runs `rounds` rounds of 16 independent float32 multiply-adds on vectors of `width` bits
/// (512: AVX-512F, 256: AVX2+FMA, else 128-bit SSE multiply and add); returns the FLOP
/// executed. The caller must check the CPU has the extension. `sink` receives the result so
/// the work cannot be optimised away.
uint64_t imx_fma_probe(int width, uint64_t rounds, float *sink);

/// Trials of ggml's weighted symmetric scale search (`make_qx_quants`, rmse_type 1).
#define IMX_SCALE_TRIALS 24

/// For each of the IMX_SCALE_TRIALS inverse scales `iscale[t]`, with
/// l = clamp(nearest_int(iscale[t]·x[i]), −nmax, nmax−1), writes Σ w·x·l into `sumlx[t]` and
/// Σ w·l·l into `suml2[t]`, each summed in element order as ggml's scalar loop sums (no
/// fused multiply-add): bit for bit the C reference's sums. AVX2 when the CPU has it.
void imx_scale_trials(int n, int nmax, const float *x, const float *w, const float *iscale,
                      float *sumlx, float *suml2);

/// Flushes the C standard output stream; returns 0 when it and every earlier write to it
/// succeeded, else the errno of the failed flush (or EIO when an earlier write failed).
int imx_flush_standard_output(void);

#ifdef __cplusplus
}
#endif
#endif
