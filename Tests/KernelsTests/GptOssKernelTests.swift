import Foundation
import Testing
import Kernels

/// The two kernels gpt-oss adds, against their formulas in Double.
@Suite("gpt-oss kernels")
struct GptOssKernelTests {
    @Test("Clamped SwiGLU: min(g, 7)·σ(1.702·min(g, 7))·(clamp(u, ±7) + 1), on both sides of the limits, any length")
    func clampedSwiGLU() {
        var generator = SplitMix(seed: 7)
        for count in [1, 7, 8, 9, 61] {
            let gate = (0..<count).map { _ in Float.random(in: -12...12, using: &generator) }
            let up = (0..<count).map { _ in Float.random(in: -12...12, using: &generator) }
            var out = gate
            up.withUnsafeBufferPointer { u in
                out.withUnsafeMutableBufferPointer { g in
                    VectorMath.clampedSwiGLUMultiply(gate: g.baseAddress!, up: u.baseAddress!, count: count, alpha: 1.702, limit: 7)
                }
            }
            for i in 0..<count {
                let x = min(Double(gate[i]), 7), y = min(max(Double(up[i]), -7), 7)
                let expected = x / (1 + exp(-1.702 * x)) * (y + 1)
                let tolerance: Double = 1e-5 * max(1, abs(expected))
                #expect(abs(Double(out[i]) - expected) <= tolerance, "gate \(gate[i]), up \(up[i])")
            }
        }
    }

    @Test("Softmax with a sink: the sink joins max and sum, so the row sums to 1 − p(sink)")
    func softmaxWithSink() {
        var generator = SplitMix(seed: 11)
        for (count, sink) in [(1, Float(0)), (5, 3), (17, -2), (40, 30)] {
            var row = (0..<count).map { _ in Float.random(in: -5...5, using: &generator) }
            let logits = row.map(Double.init)
            row.withUnsafeMutableBufferPointer { VectorMath.softmax($0.baseAddress!, count: count, sink: sink) }
            let m: Double = max(logits.max()!, Double(sink))
            var total: Double = exp(Double(sink) - m)
            for logit in logits { total += exp(logit - m) }
            for i in 0..<count {
                let expected: Double = exp(logits[i] - m) / total
                #expect(abs(Double(row[i]) - expected) <= 1e-6, "count \(count), sink \(sink)")
            }
        }
    }
}
