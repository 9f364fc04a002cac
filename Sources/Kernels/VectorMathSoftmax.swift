/// Softmax and the two passes of a streaming log-sum-exp (maximum, then Σ e^(x - max)).
extension VectorMath {
    /// The largest of the `count` values at `x`.
    ///
    /// Returns `-infinity` when `count` is 0, and NaN when any value is NaN.
    public static func maximum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        let whole = count & ~(lanes &- 1)
        var best = SIMD8<Float>(repeating: -.infinity)
        var sawNaN = SIMDMask<SIMD8<Int32>>(repeating: false)
        var i = 0
        while i < whole {
            let v = load8(x, i)
            best.replace(with: v, where: v .> best)
            sawNaN .|= v .!= v
            i &+= lanes  // i < whole ≤ count: cannot overflow
        }
        var result = best.max()
        while i < count {
            let v = x[i]
            if v > result { result = v }
            if v.isNaN { return .nan }
            i &+= 1
        }
        return any(sawNaN) ? .nan : result
    }

    /// Σ e^(x[i] - m) over the `count` values at `x`, for log-sum-exp: pass the row's
    /// ``maximum(_:count:)`` as `m` so every term is at most 1 and the sum at least 1.
    ///
    /// The exponentials are summed in Float SIMD lanes over blocks of 1024 elements, and each
    /// block's lanes are added into a `Double`, so the relative error stays near Float rounding
    /// (≈ 1e-7) even for a 262,144-entry vocabulary. Entries of -infinity contribute 0; a NaN
    /// entry (or m) makes the sum NaN; terms with x - m above ≈ 88.7 make it +inf.
    public static func sumOfExponentials(_ x: UnsafePointer<Float>, count: Int, subtracting m: Float) -> Double {
        blockedSum(x, count: count) { exponential($0 - m) }
    }

    /// Replaces the `count` values of `row` with their softmax, e^(x - max) / Σ e^(x - max).
    ///
    /// Entries of -infinity (masked positions) become exactly 0. The sum is accumulated like
    /// ``sumOfExponentials(_:count:subtracting:)``, and the row is then multiplied by the Float
    /// reciprocal of the sum, as ggml's `soft_max` does. A row with no finite maximum (all
    /// -infinity, any +infinity or any NaN) has no softmax and comes out NaN.
    public static func softmax(_ row: UnsafeMutablePointer<Float>, count: Int) {
        guard count > 0 else { return }
        normalizedExponentials(row, count: count, maximum: maximum(row, count: count), extra: 0)
    }

    /// Softmax with an attention sink: `sink` is one more logit that joins the maximum and the
    /// normaliser but has no entry of its own, so the `count` values sum to less than 1 (ggml's
    /// `soft_max` with sinks: max(max, sink), Σ += e^(sink − max)).
    public static func softmax(_ row: UnsafeMutablePointer<Float>, count: Int, sink: Float) {
        guard count > 0 else { return }
        let m = Swift.max(maximum(row, count: count), sink)
        let extra = Double(exponential(SIMD8<Float>(repeating: sink - m))[0])
        normalizedExponentials(row, count: count, maximum: m, extra: extra)
    }

    /// `row[i] = e^(row[i] − m) / (Σ e^(row[j] − m) + extra)`.
    @inline(__always)
    private static func normalizedExponentials(_ row: UnsafeMutablePointer<Float>, count: Int, maximum m: Float, extra: Double) {
        var total = extra
        let whole = count & ~(lanes &- 1)
        var i = 0
        while i < whole {
            let blockEnd = Swift.min(whole, i &+ sumBlock)
            var sum = SIMD8<Float>()
            while i < blockEnd {
                let e = exponential(load8(row, i) - m)
                store8(e, row, i)
                sum += e
                i &+= lanes  // i < blockEnd ≤ count: cannot overflow
            }
            total += widenedSum(sum)
        }
        if i < count {
            let rest = count &- i
            let e = exponential(loadPartial(row, i, count: rest, fill: 0) - m)
            storePartial(e, row, i, count: rest)
            for lane in 0..<rest { total += Double(e[lane]) }
        }
        scale(row, count: count, by: Float(1 / total))
    }
}
