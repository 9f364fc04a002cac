/// Gated activations of a transformer feed-forward block: the activation of `gate` times `up`,
/// written back into `gate`.
extension VectorMath {
    /// SwiGLU: `gate[i] = silu(gate[i]) · up[i]` with silu(g) = g / (1 + e^-g).
    ///
    /// Relative error within a few ulp. Large positive g gives g; once e^-g overflows
    /// (g < ≈ -88.7, where the exact result is below ≈ 3e-37) the result is -0; NaN propagates.
    public static func siluMultiply(gate: UnsafeMutablePointer<Float>, up: UnsafePointer<Float>, count: Int) {
        gatedProduct(gate: gate, up: up, count: count, activation: silu)
    }

    /// GEGLU with the tanh approximation of GELU (ggml's `gelu`):
    /// `gate[i] = 0.5·g·(1 + tanh(√(2/π)·(g + 0.044715·g³))) · up[i]`.
    ///
    /// Evaluated through the identity 0.5·(1 + tanh u) = 1 / (1 + e^(-2u)), i.e. g / (1 + e^(-2u)),
    /// which has no cancellation near u = 0 and saturates cleanly: large positive g gives g; once
    /// e^(-2u) overflows (g < ≈ -10.06, where the exact result is below ≈ 3e-38) the result is -0;
    /// NaN propagates. In the negative tail the Float rounding of u is amplified by |2u|, as in any
    /// Float evaluation of this formula (≈ 1e-5 relative at g = -9).
    public static func geluTanhMultiply(gate: UnsafeMutablePointer<Float>, up: UnsafePointer<Float>, count: Int) {
        gatedProduct(gate: gate, up: up, count: count, activation: geluTanh)
    }

    /// g / (1 + e^-g) for eight lanes.
    @inline(__always)
    static func silu(_ g: SIMD8<Float>) -> SIMD8<Float> {
        g / (exponential(-g) + 1)
    }

    /// 2·√(2/π), the factor of the exponent in the sigmoid form of GELU-tanh.
    static let twoSqrtTwoOverPi: Float = 1.5957691216057308
    /// The cubic coefficient of the GELU tanh approximation.
    static let geluCubic: Float = 0.044715

    /// GELU (tanh approximation) for eight lanes: g / (1 + e^(-2·√(2/π)·g·(1 + 0.044715·g²))).
    @inline(__always)
    static func geluTanh(_ g: SIMD8<Float>) -> SIMD8<Float> {
        let inner = g * ((g * g) * geluCubic + 1)
        return g / (exponential(inner * -twoSqrtTwoOverPi) + 1)
    }
}
