import Foundation
import Testing
import GGUF
import Harness
import Model
import TestSupport

/// `--memory` bounds what stays resident: weights beyond the budget are read from the mapping at
/// each use and leave the resident set after it, without changing a single logit.
@Suite("Weights beyond the memory budget leave the resident set")
struct WeightResidencyTests {
    /// Bytes of `path`'s mappings resident in this process (`Rss` of /proc/self/smaps).
    static func residentBytes(ofMapping path: String) throws -> Int {
        // /proc files report size 0: read to the end rather than by size.
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/smaps"))
        defer { try? handle.close() }
        let smaps = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        var total = 0, inside = false
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let first = fields.first, first.contains("-"), fields.count >= 5, !first.hasSuffix(":") {
                inside = fields.count >= 6 && fields[5...].joined(separator: " ") == path
            } else if inside, fields.first == "Rss:", fields.count >= 2, let kib = Int(fields[1]) {
                total += kib << 10
            }
        }
        return total
    }

    /// Every logit of two positions of one sequence.
    static func logits(_ model: TransformerModel, tokens: [Int32]) throws -> [Float] {
        var values: [Float] = []
        let request = LogitsRequest(positions: [3, tokens.count - 1], layout: .fullRows(rowsPerSlice: 2)) { block in
            for row in block.rows { values += block.row(row - block.rows.lowerBound) }
        }
        try model.evaluate(TokenBatch(tokens: tokens, sequenceLength: tokens.count), logits: request)
        return values
    }

    @Test("a Qwen3-MoE synthetic model: --memory 0 gives the same logits as a budget that holds it, with its pages released", .needsFixtures)
    func budgetBoundsResidency() throws {
        let directory = try TemporaryDirectory()
        let vocabulary = try GGUFFile(path: TestEnvironment.fixture("vocab/ggml-vocab-qwen2.gguf"))
        var shape = SyntheticModelTests.tiny("qwen3moe-30b-a3b")
        shape.blocks = 2
        let path = directory.file("moe.gguf")
        _ = try SyntheticModelWriter.write(shape: shape, vocabulary: vocabulary, to: path, threads: 2) { _ in }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let tokens: [Int32] = (0..<24).map { Int32(($0 * 7_919) % 150_000) }

        let held = try TransformerModel(file: GGUFFile(path: path), options: ModelOptions(threads: 2, weightCacheBytes: 1 << 30))
        // Loading reads the metadata (the tokenizer's strings): what the runs add comes on top.
        let heldLoaded = try Self.residentBytes(ofMapping: path)
        let heldLogits = try Self.logits(held, tokens: tokens)
        let heldResident = try Self.residentBytes(ofMapping: path) - heldLoaded

        let streamed = try TransformerModel(file: GGUFFile(path: path), options: ModelOptions(threads: 2, weightCacheBytes: 0))
        let streamedLoaded = try Self.residentBytes(ofMapping: path)  // the first model's mapping, and this one's metadata
        let streamedLogits = try Self.logits(streamed, tokens: tokens)
        let bothResident = try Self.residentBytes(ofMapping: path)
        // Both models (and their mappings) live until here: Swift may release an object after its last use.
        withExtendedLifetime((held, streamed)) {}

        #expect(streamedLogits == heldLogits, "the budget changed logits")
        #expect(heldLogits.allSatisfy { $0.isFinite })
        // Held: the output matrix (most of the file besides the embedding) was read whole and stays.
        #expect(heldResident > size / 2, "held: \(heldResident) of \(size) bytes resident")
        // Streamed: the F32 norms and routers (kept mapped: they are read in place) and little else.
        let streamedResident = bothResident - streamedLoaded  // both mappings are summed; only the second one grew
        #expect(streamedResident < size / 20, "streamed: \(streamedResident) of \(size) bytes resident")
    }
}
