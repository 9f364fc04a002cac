import Foundation
import Kernels
import Testing
import GGUF
import TestSupport

/// Dequantization against ggml's own outputs in `shared/fixtures/quant`: bytes in, floats out,
/// equal bit for bit.
@Suite("Dequantization matches ggml", .needsFixtures)
struct DequantizationFixtureTests {
    /// The types whose dequantization the foundation must support.
    static let required: [GGMLType] = [.f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0,
                                       .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .iq4_NL, .iq4_XS]
    /// Every type the fixtures cover: the required ones, the lattice types and the ternary ones.
    static let covered: [GGMLType] = required + [.iq2_XXS, .iq2_XS, .iq2_S, .iq3_XXS, .iq3_S, .iq1_S, .iq1_M, .tq1_0, .tq2_0]

    @Test("Every type the fixtures cover is supported")
    func coveredTypesSupported() {
        for type in Self.covered { #expect(Dequantizer.supports(type), "\(type.name)") }
    }

    @Test("Quantize→dequantize cases: ggml's bytes decode to ggml's floats exactly")
    func quantizedCases() throws {
        let cases = try QuantFixtures.cases()
        #expect(cases.count == 178)
        var checked = Set<String>()
        for fixture in cases {
            let type = try #require(GGMLType(name: fixture.type))
            guard Dequantizer.supports(type) else { continue }
            let bytes = try RawFiles.bytes(fixture.quantizedPath)
            let expected = try RawFiles.floats(fixture.decodedPath)
            #expect(expected.count == fixture.rows * fixture.rowLength, "\(fixture)")
            let actual = try QuantFixtures.dequantize(type, bytes)
            if let difference = RawFiles.firstBitDifference(actual, expected) {
                Issue.record("\(fixture): element \(difference.index) is \(difference.actual), ggml gives \(difference.expected)")
            }
            checked.insert(type.name)
        }
        let expected = Set(Self.covered.filter { $0 != .f32 }.map(\.name))
        #expect(checked == expected, "unchecked: \(expected.subtracting(checked))")
    }

    @Test("Decode vectors: all F16/BF16 patterns, random blocks, the model's rows")
    func decodeVectors() throws {
        let vectors = try QuantFixtures.decodeVectors()
        #expect(vectors.count == 25)
        var checked: [String] = []
        for vector in vectors {
            let type = try #require(GGMLType(name: vector.type))
            guard Dequantizer.supports(type) else { continue }
            let actual = try QuantFixtures.dequantize(type, RawFiles.bytes(vector.bytesPath))
            let expected = try RawFiles.floats(vector.floatsPath)
            #expect(actual.count == vector.elements, "\(vector)")
            if let difference = RawFiles.firstBitDifference(actual, expected) {
                Issue.record("\(vector) (\(type.name)): element \(difference.index) is \(difference.actual) (bits \(String(difference.actual.bitPattern, radix: 16))), ggml gives \(difference.expected) (bits \(String(difference.expected.bitPattern, radix: 16)))")
            }
            checked.append(vector.name)
        }
        #expect(checked.contains("f16_all") && checked.contains("bf16_all"))
        #expect(checked.count == 25, "\(checked)")
    }

    @Test("Types without a dequantizer fail with a clear error naming type and tensor",
          arguments: [GGMLType.nvfp4, .q1_0, .q8_1, .i32])
    func unsupportedTypes(_ type: GGMLType) throws {
        let bytes = [UInt8](repeating: 0, count: type.typeSize)
        var output = [Float](repeating: 0, count: type.blockSize)
        let error = #expect(throws: GGUFError.self) {
            try bytes.withUnsafeBytes { source in
                try output.withUnsafeMutableBufferPointer { destination in
                    try Dequantizer.dequantize(type, from: source.baseAddress!, elementCount: type.blockSize,
                                               into: destination.baseAddress!, tensorName: "blk.3.ffn_down.weight", file: "m.gguf")
                }
            }
        }
        #expect(error?.kind == .unsupportedTensorType)
        #expect(error?.description == "m.gguf: blk.3.ffn_down.weight.type: unsupported tensor type \(type.name) in blk.3.ffn_down.weight")
    }
}
