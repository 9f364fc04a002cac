import Testing
import Kernels
import TestSupport

/// F16 and BF16 conversions against ggml's encodings (`shared/fixtures/quant/dequant`).
@Suite("Half-precision conversions")
struct HalfPrecisionTests {
    @Test("Spec checks: rounding, subnormals, overflow, signed zero")
    func specValues() {
        #expect(HalfPrecision.fromFloat(0.1) == 0x2E66)
        #expect(HalfPrecision.fromFloat(65504) == 0x7BFF)
        #expect(HalfPrecision.fromFloat(65520) == 0x7C00)
        #expect(HalfPrecision.fromFloat(6.1e-5) == 0x03FF)
        #expect(HalfPrecision.fromFloat(5.96e-8) == 0x0001)
        #expect(HalfPrecision.fromFloat(2.98e-8) == 0x0000)
        #expect(HalfPrecision.fromFloat(-0.0) == 0x8000)
        #expect(HalfPrecision.fromFloat(.nan) & 0x7FFF == 0x7E00)
        #expect(HalfPrecision.toFloat(0x3C00) == 1)
        #expect(HalfPrecision.toFloat(0x0001) == 0x1p-24)
        #expect(BFloat16.toFloat(0x3F80) == 1)
        #expect(BFloat16.fromFloat(1.00390625) == 0x3F80)   // tie → even
        #expect(BFloat16.fromFloat(1.01171875) == 0x3F82)   // tie → even (up)
    }

    @Test("Every F16 pattern decodes as ggml does, and every finite one round-trips", .needsFixtures)
    func f16AllPatterns() throws {
        let expected = try RawFiles.floats(TestEnvironment.fixture("quant/dequant/f16_all.f32"))
        #expect(expected.count == 65536)
        for pattern in 0...0xFFFF {
            let half = UInt16(pattern)
            let value = HalfPrecision.toFloat(half)
            #expect(value.bitPattern == expected[pattern].bitPattern, "F16 0x\(String(pattern, radix: 16))")
            #expect(HalfPrecision.table[pattern].bitPattern == value.bitPattern)
            if !value.isNaN { #expect(HalfPrecision.fromFloat(value) == half, "round trip of 0x\(String(pattern, radix: 16))") }
        }
    }

    @Test("Float→F16 and float→BF16 encodings equal ggml's on ties, subnormals, NaNs and random patterns", .needsFixtures)
    func encodings() throws {
        let vectors = try QuantFixtures.encodeVectors()
        #expect(vectors.map(\.type).sorted() == ["BF16", "F16"])
        for vector in vectors {
            let input = try RawFiles.floats(vector.inputPath)
            let expected = try RawFiles.uint16s(vector.outputPath)
            #expect(input.count == expected.count && input.count > 40_000, "\(vector.name)")
            var mismatches = 0
            for (i, value) in input.enumerated() {
                let actual = vector.type == "F16" ? HalfPrecision.fromFloat(value) : BFloat16.fromFloat(value)
                if actual != expected[i] {
                    mismatches += 1
                    if mismatches <= 5 {
                        Issue.record("\(vector.name)[\(i)]: float bits 0x\(String(value.bitPattern, radix: 16)) → 0x\(String(actual, radix: 16)), ggml gives 0x\(String(expected[i], radix: 16))")
                    }
                }
            }
            #expect(mismatches == 0, "\(vector.name): \(mismatches) mismatches")
        }
    }

    @Test("Row encoders and decoders agree with the scalar conversions")
    func rowConversions() {
        let values: [Float] = [0, -0.0, 1, -2.5, 0.1, 65504, 1e-7, -3e38, .infinity]
        var f16 = [UInt8](repeating: 0, count: values.count * 2)
        var bf16 = [UInt8](repeating: 0, count: values.count * 2)
        var back = [Float](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { input in
            f16.withUnsafeMutableBytes { HalfPrecision.encode(input.baseAddress!, count: values.count, into: $0.baseAddress!) }
            bf16.withUnsafeMutableBytes { BFloat16.encode(input.baseAddress!, count: values.count, into: $0.baseAddress!) }
        }
        back.withUnsafeMutableBufferPointer { output in
            f16.withUnsafeBytes { HalfPrecision.decode($0.baseAddress!, count: values.count, into: output.baseAddress!) }
        }
        for (i, value) in values.enumerated() {
            #expect(UInt16(f16[2 * i]) | UInt16(f16[2 * i + 1]) << 8 == HalfPrecision.fromFloat(value))
            #expect(UInt16(bf16[2 * i]) | UInt16(bf16[2 * i + 1]) << 8 == BFloat16.fromFloat(value))
            #expect(back[i].bitPattern == HalfPrecision.toFloat(HalfPrecision.fromFloat(value)).bitPattern)
        }
    }
}
