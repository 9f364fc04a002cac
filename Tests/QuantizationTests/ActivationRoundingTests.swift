import GGUF
import Kernels
import Quantization
import Testing
import TestSupport

/// Kernels' BlockRounding (how the forward pass rounds inputs to quantized weights, as ggml's
/// CPU backend does) against this project's ggml-exact Q8_0 quantizer and the Q8_K format's
/// definition.
@Suite("Activation rounding to ggml's dot-product formats")
struct ActivationRoundingTests {
    static func activations(_ count: Int, seed: UInt64) -> [Float] {
        var random = SeededGenerator(seed: seed)
        // Activation-like: mostly small, a few large outliers, some exact zeros.
        return (0..<count).map { index in
            if index % 97 == 0 { return 0 }
            let base = Float.random(in: -1...1, using: &random)
            return index % 41 == 0 ? base * 60 : base
        }
    }

    @Test("q8_0 equals quantize(Q8_0) then dequantize, except at exact rounding ties")
    func q8_0MatchesQuantizer() throws {
        let count = 32 * 512
        let x = Self.activations(count, seed: 7)
        var rounded = [Float](repeating: .nan, count: count)
        BlockRounding.q8_0(x, into: &rounded, count: count)
        var packed = [UInt8](repeating: 0, count: count / 32 * 34)
        try x.withUnsafeBufferPointer { rows in
            try RowQuantizer.quantize(.q8_0, rows: rows.baseAddress!, rowCount: 1, rowLength: count, importance: nil, into: &packed)
        }
        var reference = [Float](repeating: .nan, count: count)
        try Dequantizer.dequantize(.q8_0, from: packed, elementCount: count, into: &reference)
        // ggml's AVX2 path multiplies by 127/amax and rounds half to even; the reference path
        // multiplies by 1/d and rounds half away from zero: a tie or a last-bit difference can
        // move a value by one step, nothing else may differ.
        var differing = 0
        for block in 0..<(count / 32) {
            let d = Float(HalfPrecision.toFloat(HalfPrecision.fromFloat(x[(block * 32)..<(block * 32 + 32)].map(abs).max()! / 127)))
            for j in (block * 32)..<(block * 32 + 32) where rounded[j] != reference[j] {
                differing += 1
                #expect(abs(rounded[j] - reference[j]) <= d * 1.0001, "element \(j): \(rounded[j]) vs \(reference[j])")
            }
        }
        #expect(differing <= count / 1000, "\(differing) of \(count) values differ")
    }

    @Test("q8_K: integer levels in [-128, 127] of d = m/−127, the largest element kept, zero blocks zero")
    func q8_KLevels() {
        let count = 256 * 64
        var x = Self.activations(count, seed: 11)
        for j in 256..<512 { x[j] = 0 }  // an all-zero block
        var rounded = [Float](repeating: .nan, count: count)
        BlockRounding.q8_K(x, into: &rounded, count: count)
        for block in 0..<(count / 256) {
            let slice = Array(x[(block * 256)..<(block * 256 + 256)])
            let output = Array(rounded[(block * 256)..<(block * 256 + 256)])
            guard let first = slice.indices.max(by: { abs(slice[$0]) < abs(slice[$1]) || (abs(slice[$0]) == abs(slice[$1]) && $0 > $1) }),
                  slice[first] != 0 else {
                #expect(output.allSatisfy { $0 == 0 }, "block \(block) is all zero")
                continue
            }
            let iscale = -127 / slice[first]
            let d = 1 / iscale
            for j in 0..<256 {
                let level = output[j] / d  // q·d / d: an integer up to float rounding
                #expect(abs(level - level.rounded()) < 1e-3 && level.rounded() >= -128 && level.rounded() <= 127,
                        "block \(block) element \(j): level \(level)")
                #expect(abs(output[j] - slice[j]) <= abs(d) * 0.5001, "block \(block) element \(j): error beyond half a step")
            }
            #expect(output[first] == -127 * d)
        }
    }
}
