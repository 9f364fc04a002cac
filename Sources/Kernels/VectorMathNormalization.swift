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
        var total = 0.0
        let whole = count & ~(lanes &- 1)
        var i = 0
        while i < whole {
            let blockEnd = Swift.min(whole, i &+ sumBlock)
            var sum0 = SIMD8<Float>()
            var sum1 = SIMD8<Float>()
            while i &+ 2 &* lanes <= blockEnd {
                let a = load8(x, i)
                let b = load8(x, i &+ lanes)
                sum0 += a * a
                sum1 += b * b
                i &+= 2 &* lanes  // ≤ blockEnd ≤ count: cannot overflow
            }
            if i < blockEnd {
                let a = load8(x, i)
                sum0 += a * a
                i &+= lanes
            }
            total += widenedSum(sum0 + sum1)
        }
        while i < count {
            total += Double(x[i] * x[i])
            i &+= 1
        }
        return total
    }
}
