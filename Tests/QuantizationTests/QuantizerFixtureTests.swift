import Foundation
import Testing
import GGUF
import Quantization
import TestSupport

/// The quantizers against ggml's own bytes in `shared/fixtures/quant`: every case of the manifest
/// for a supported type, with and without importance, byte for byte, and the decoded floats exact.
@Suite("Quantizers match ggml byte for byte", .needsFixtures)
struct QuantizerFixtureTests {
    /// The cases of the manifest for the types this module quantizes.
    static func supportedCases() throws -> [QuantFixtures.Case] {
        try QuantFixtures.cases().filter { GGMLType(name: $0.type).map(RowQuantizer.supports) ?? false }
    }

    @Test("Every manifest case of a supported type: bytes identical, decoded floats exact")
    func everyCase() throws {
        let cases = try Self.supportedCases()
        #expect(cases.count == 178)   // every case of the manifest
        var failing: [String] = []
        for fixture in cases {
            if let problem = try QuantFixtures.quantizeMismatch(fixture) { failing.append("\(fixture): \(problem)") }
        }
        #expect(failing.isEmpty, "\(failing.count) of \(cases.count) cases differ:\n\(failing.joined(separator: "\n"))")
    }

    @Test("Every supported type has cases with and without importance")
    func coverage() throws {
        let cases = try Self.supportedCases()
        for type in RowQuantizer.supportedTypes {
            // F16 and BF16 are plain conversions: ggml's fixtures have them without importance only.
            let withImportance = type != .f16 && type != .bf16
            #expect(cases.contains { $0.type == type.name && $0.importance } == withImportance, "\(type.name) with importance")
            // ggml requires importance for IQ2_XXS and IQ2_XS, so the fixtures have no such cases.
            let expected = !RowQuantizer.typesNeedingImportance.contains(type)
            #expect(cases.contains { $0.type == type.name && !$0.importance } == expected, "\(type.name) without importance")
        }
    }

    @Test("Single-threaded and multi-threaded runs give the same bytes")
    func threadIndependence() throws {
        let fixture = try #require(try Self.supportedCases().first { $0.type == "Q4_K" && $0.set == "stress" && $0.importance })
        let x = try RawFiles.floats(fixture.inputPath)
        let qw = try RawFiles.floats(try #require(fixture.importancePath))
        let one = try QuantFixtures.quantize(.q4_K, x, rows: fixture.rows, rowLength: fixture.rowLength, importance: qw, threads: 1)
        let four = try QuantFixtures.quantize(.q4_K, x, rows: fixture.rows, rowLength: fixture.rowLength, importance: qw, threads: 4)
        #expect(one == four)
    }
}
