import GGUF
import Kernels

/// Pseudo-random quantized blocks for benchmarks: random quants and codes, with every scale
/// field set to a moderate value so that no output is NaN, infinite or subnormal.
enum SyntheticBlocks {
    static func make(_ type: GGMLType, blocks: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        var bytes = [UInt8](repeating: 0, count: blocks * type.typeSize)
        for i in bytes.indices {
            // SplitMix64 step; one byte per step is plenty for a benchmark.
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            bytes[i] = UInt8(truncatingIfNeeded: z ^ (z >> 31))
        }
        let scale = HalfPrecision.fromFloat(0.01)
        for block in 0..<blocks {
            let base = block * type.typeSize
            for offset in type.halfScaleOffsets {
                bytes[base + offset] = UInt8(truncatingIfNeeded: scale)
                bytes[base + offset + 1] = UInt8(truncatingIfNeeded: scale >> 8)
            }
            switch type {
            case .mxfp4: bytes[base] = 120                       // E8M0 exponent: 2⁻⁷
            case .q8_K: withUnsafeBytes(of: Float(0.01).bitPattern.littleEndian) { field in
                for k in 0..<4 { bytes[base + k] = field[k] }
            }
            case .f32, .f16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .iq2_XXS,
                 .iq2_XS, .iq3_XXS, .iq1_S, .iq4_NL, .iq3_S, .iq2_S, .iq4_XS, .i8, .i16, .i32, .i64, .f64, .iq1_M,
                 .bf16, .tq1_0, .tq2_0, .nvfp4, .q1_0: break
            }
        }
        if type == .f32 {
            for i in stride(from: 0, to: bytes.count, by: 4) { bytes[i + 3] = 0x3C }   // exponent ≈ 2⁻⁷
        } else if type == .f16 || type == .bf16 {
            for i in stride(from: 0, to: bytes.count, by: 2) { bytes[i + 1] = type == .f16 ? 0x2C : 0x3C }
        }
        return bytes
    }
}
