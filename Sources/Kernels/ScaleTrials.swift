import NativeKernels

/// The trial sums of ggml's weighted symmetric scale search (`make_qx_quants`): a C kernel
/// (AVX2 when the CPU has it) whose lanes are the trial scales, each summed in element order,
/// so the sums are bit for bit those of ggml's scalar loop.
public enum ScaleTrials {
    /// How many trial scales one call evaluates.
    public static let count = Int(IMX_SCALE_TRIALS)

    /// For each `iscale[t]` (``count`` of them), Σ w·x·l into `sumlx[t]` and Σ w·l·l into
    /// `suml2[t]`, with l = clamp(nearest_int(iscale[t]·x), −nmax, nmax−1), over `n` elements.
    @inline(__always)
    public static func compute(
        count n: Int, nmax: Int, x: UnsafePointer<Float>, weights: UnsafePointer<Float>, iscale: UnsafePointer<Float>,
        sumlx: UnsafeMutablePointer<Float>, suml2: UnsafeMutablePointer<Float>
    ) {
        imx_scale_trials(Int32(n), Int32(nmax), x, weights, iscale, sumlx, suml2)
    }
}
