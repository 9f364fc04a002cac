/// RMS normalization, ggml's `rms_norm` followed by the element-wise weight multiply.
extension VectorMath {
    /// `y[i] = (x[i] · s) · weight[i]` with s = 1 / √(mean(x²) + epsilon), as Floats.
    ///
    /// The squares are summed in Float SIMD lanes over blocks of 1024 elements and each block is
    /// added into a `Double` (ggml sums in double); mean = Float(sum / count) and
    /// s = 1 / sqrtf(mean + epsilon), as in ggml. A `nil` weight means all ones. `y` may be `x`.
    /// Nothing is written when `count` is 0.
    public static func rmsNorm(
        _ x: UnsafePointer<Float>, weight: UnsafePointer<Float>?, count: Int, epsilon: Float,
        into y: UnsafeMutablePointer<Float>
    ) {
        guard count > 0 else { return }
        let scale = 1 / (Float(sumOfSquares(x, count: count) / Double(count)) + epsilon).squareRoot()
        let whole = count & ~(lanes &- 1)
        var i = 0
        if let weight {
            while i < whole {
                store8((load8(x, i) * scale) * load8(weight, i), y, i)
                i &+= lanes  // i < whole ≤ count: cannot overflow
            }
            while i < count {
                y[i] = (x[i] * scale) * weight[i]
                i &+= 1
            }
        } else {
            while i < whole {
                store8(load8(x, i) * scale, y, i)
                i &+= lanes  // i < whole ≤ count: cannot overflow
            }
            while i < count {
                y[i] = x[i] * scale
                i &+= 1
            }
        }
    }

    /// Σ x[i]², squares summed in Float SIMD lanes per block of 1024 and blocks in `Double`.
    static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
        blockedSum(x, count: count) { $0 * $0 }
    }
}
