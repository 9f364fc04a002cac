extension VectorMath {
    /// gpt-oss's clamped SwiGLU, as ggml's `swiglu_oai`: with x = min(gate[i], limit) and
    /// y = clamp(up[i], −limit, limit), `gate[i] = x / (1 + e^(−α·x)) · (y + 1)`.
    /// llama.cpp uses α = 1.702 and limit = 7. Eight lanes at a time, with the exponential of
    /// ``siluMultiply(gate:up:count:)``.
    public static func clampedSwiGLUMultiply(gate: UnsafeMutablePointer<Float>, up: UnsafePointer<Float>, count: Int,
                                             alpha: Float, limit: Float) {
        let whole = count & ~(lanes &- 1)
        let high = SIMD8<Float>(repeating: limit), low = SIMD8<Float>(repeating: -limit)
        @inline(__always) func value(_ g: SIMD8<Float>, _ u: SIMD8<Float>) -> SIMD8<Float> {
            let x = g.replacing(with: high, where: g .> high)
            let y = u.clamped(lowerBound: low, upperBound: high)
            return x / (exponential(x * -alpha) + 1) * (y + 1)
        }
        var i = 0
        while i < whole {
            store8(value(load8(gate, i), load8(up, i)), gate, i)
            i &+= lanes  // i < whole ≤ count: cannot overflow
        }
        if i < count {
            let rest = count &- i
            storePartial(value(loadPartial(gate, i, count: rest, fill: 0), loadPartial(up, i, count: rest, fill: 0)),
                         gate, i, count: rest)
        }
    }
}
