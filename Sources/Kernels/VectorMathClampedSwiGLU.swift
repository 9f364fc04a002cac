import Foundation

extension VectorMath {
    /// gpt-oss's clamped SwiGLU, as ggml's `swiglu_oai`: with x = min(gate[i], limit) and
    /// y = clamp(up[i], −limit, limit), `gate[i] = x / (1 + e^(−α·x)) · (y + 1)`.
    /// llama.cpp uses α = 1.702 and limit = 7. Scalar `expf`, as ggml's CPU kernel.
    public static func clampedSwiGLUMultiply(gate: UnsafeMutablePointer<Float>, up: UnsafePointer<Float>, count: Int,
                                             alpha: Float, limit: Float) {
        for i in 0..<count {
            let x = min(gate[i], limit)
            let y = min(max(up[i], -limit), limit)
            gate[i] = x / (1 + expf(alpha * -x)) * (y + 1)
        }
    }

    /// Softmax with an attention sink: `sink` is one more logit that joins the maximum and the
    /// normaliser but has no entry of its own, so the `count` values sum to less than 1 (ggml's
    /// `soft_max` with sinks: max(max, sink), Σ += e^(sink − max)).
    public static func softmax(_ row: UnsafeMutablePointer<Float>, count: Int, sink: Float) {
        guard count > 0 else { return }
        let m = max(maximum(row, count: count), sink)
        var total = 0.0
        for i in 0..<count {
            let e = expf(row[i] - m)
            row[i] = e
            total += Double(e)
        }
        total += Double(expf(sink - m))
        scale(row, count: count, by: Float(1 / total))
    }
}
