import Foundation
import Testing
import GGUF
import TestSupport

/// The type table against its references: gguf-py's `GGML_QUANT_SIZES`, the fixture manifest
/// (written by ggml itself) and the block layout table of docs/weighting-spec.md.
@Suite("GGML type table")
struct GGMLTypeTableTests {
    @Test("Matches gguf-py's GGML_QUANT_SIZES (Q8_1 excepted: ggml's block is 36 bytes)", .needsGGUFPy)
    func matchesGGUFPy() throws {
        let sizes = try #require(PythonOracle.json("quant_sizes.py", []) as? [String: [Int]])
        #expect(sizes.count >= 30)
        for (name, entry) in sizes {
            let type = try #require(GGMLType(rawValue: UInt32(entry[0])), "gguf-py type \(name) id \(entry[0]) missing from the table")
            #expect(type.name == name)
            #expect(type.blockSize == entry[1], "\(name) block size")
            if type == .q8_1 {
                #expect(entry[2] == 40 && type.typeSize == 36, "gguf-py's stale Q8_1 size changed: \(entry)")
            } else {
                #expect(type.typeSize == entry[2], "\(name) type size")
            }
        }
        #expect(Set(sizes.keys) == Set(GGMLType.allCases.map(\.name)), "table and gguf-py list different types")
    }

    @Test("Matches the block sizes ggml reported in the quant fixture manifest", .needsFixtures)
    func matchesFixtureManifest() throws {
        let manifest = try #require(
            JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: TestEnvironment.fixture("quant/manifest.json")))) as? [String: Any])
        let types = try #require(manifest["types"] as? [[String: Any]])
        #expect(types.count == 23)
        for entry in types {
            let name = try #require(entry["type"] as? String)
            let type = try #require(GGMLType(name: name), "fixture type \(name) unknown")
            #expect(type.id == UInt32(try #require(entry["ggml_type_id"] as? Int)))
            #expect(type.blockSize == entry["block_size"] as? Int, "\(name) block size")
            #expect(type.typeSize == entry["type_size"] as? Int, "\(name) type size")
        }
    }

    @Test("Bytes per weight of the weighting spec's layout table")
    func bitsPerWeight() {
        let expected: [GGMLType: Double] = [
            .q4_0: 4.5, .q4_1: 5.0, .q5_0: 5.5, .q5_1: 6.0, .q8_0: 8.5, .q2_K: 2.625, .q3_K: 3.4375,
            .q4_K: 4.5, .q5_K: 5.5, .q6_K: 6.5625, .iq4_NL: 4.5, .iq4_XS: 4.25, .iq3_XXS: 3.0625,
            .iq3_S: 3.4375, .iq2_XXS: 2.0625, .iq2_XS: 2.3125, .iq2_S: 2.5625, .iq1_S: 1.5625,
            .iq1_M: 1.75, .tq1_0: 1.6875, .tq2_0: 2.0625, .mxfp4: 4.25,
        ]
        for (type, bits) in expected {
            #expect(Double(type.typeSize * 8) / Double(type.blockSize) == bits, "\(type.name)")
        }
    }

    @Test("Names round-trip and row sizes follow the block geometry")
    func namesAndRowSizes() {
        for type in GGMLType.allCases {
            #expect(GGMLType(name: type.name) == type)
            #expect(GGMLType(name: type.name.lowercased()) == type)
            #expect(type.rowByteCount(elements: type.blockSize * 3) == type.typeSize * 3)
        }
        #expect(GGMLType(name: "Q4_K_M") == nil)
    }
}
