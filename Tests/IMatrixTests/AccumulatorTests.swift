import GGUF
import IMatrix
import Kernels
import Model
import Testing
import TestSupport

/// The accumulator behind `imx compute`, against the naive Double reference transformer on every
/// tiny model family: the same entries, Σx² per column and counts per expert, computed from
/// inputs the reference formed independently; and llama-imatrix's collection rules.
@Suite("Imatrix accumulator")
struct AccumulatorTests {
    static let sequenceLength = 24

    @Test("Σx² and counts per tensor and expert equal the naive reference's, with --process-output", arguments: TinyModels.all)
    func matchesNaiveReference(_ spec: TinyModelSpec) throws {
        let directory = try TemporaryDirectory()
        let path = try TinyModels.write(spec, in: directory)
        let naive = try NaiveTransformer(file: GGUFFile(path: path))
        var random = SeededGenerator(seed: spec.seed &* 17 &+ 3)
        let sequences = (0..<2).map { _ in random.tokens(Self.sequenceLength, vocabularySize: spec.vocabularySize) }
        var expected: [NaiveMatmulKey: (sums: [Double], rows: Int)] = [:]
        for sequence in sequences {
            for (key, rows) in try naive.run(tokens: sequence).inputs {
                var entry = expected[key] ?? ([Double](repeating: 0, count: rows[0].values.count), 0)
                for row in rows {
                    for (j, value) in row.values.enumerated() { entry.sums[j] += value * value }
                }
                entry.rows += rows.count
                expected[key] = entry
            }
        }
        let model = try TransformerModel(file: GGUFFile(path: path),
                                         options: ModelOptions(threads: 2, activationPrecision: .float32))
        let accumulator = ImatrixAccumulator(processOutput: true, threads: 2)
        try model.evaluate(TokenBatch(tokens: sequences.flatMap { $0 }, sequenceLength: Self.sequenceLength),
                           observer: accumulator, logits: nil)
        #expect(accumulator.failure == nil)
        let collection = accumulator.collection

        // Which entries: every blk.* product and output.weight (never token_embd, also not when tied).
        let expectedNames = Set(expected.keys.map(\.tensorName).filter { $0.hasPrefix("blk.") || $0 == "output.weight" })
        #expect(Set(collection.entries.keys) == expectedNames, "\(spec.name)")
        for (key, reference) in expected {
            guard let entry = collection.entries[key.tensorName] else { continue }
            let matrix = key.expert ?? 0
            // A head of a 3-D dense weight (attn_k_b, attn_v_b): its columns at the head's offset, one count.
            let headSlice = key.expert != nil && entry.counts.count == 1
            #expect(entry.counts[headSlice ? 0 : matrix] == Int64(reference.rows), "\(spec.name) \(key): count")
            let width = reference.sums.count
            let sums = headSlice ? Array(entry.sums[(matrix * width)..<((matrix + 1) * width)]) : Array(entry.sums(ofMatrix: matrix))
            let scale = reference.sums.max() ?? 1
            let worst = zip(sums, reference.sums).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-4 * scale, "\(spec.name) \(key): Σx² differs by \(worst) (largest \(scale))")
        }
        // Experts: counts add up to tokens × experts used, and unrouted experts stay at zero.
        if spec.expertCount > 0 {
            for (name, entry) in collection.entries where name.hasSuffix("_exps.weight") {
                #expect(entry.counts.reduce(0, +) == Int64(2 * Self.sequenceLength * spec.expertUsedCount), "\(name)")
                for matrix in entry.zeroCountMatrices { #expect(entry.sums(ofMatrix: matrix).allSatisfy { $0 == 0 }) }
            }
        }
    }

    @Test("Dense products of fewer than 16 rows are not collected; expert slices always are")
    func smallBatches() throws {
        let directory = try TemporaryDirectory()
        let spec = TinyModels.mixtral
        let path = try TinyModels.write(spec, in: directory)
        let model = try TransformerModel(file: GGUFFile(path: path), options: ModelOptions(threads: 2))
        var random = SeededGenerator(seed: 5)
        let accumulator = ImatrixAccumulator(threads: 2)
        try model.evaluate(TokenBatch(tokens: random.tokens(8, vocabularySize: spec.vocabularySize), sequenceLength: 8),
                           observer: accumulator, logits: nil)
        #expect(!accumulator.collection.entries.isEmpty)
        #expect(accumulator.collection.entries.keys.allSatisfy { $0.hasSuffix("_exps.weight") })
    }

    @Test("A non-finite input stops collection with the tensor, expert and chunk named")
    func nonFinite() {
        let accumulator = ImatrixAccumulator(threads: 1)
        accumulator.source = "m.gguf"
        accumulator.batchOrigin = (firstChunk: 4, chunkSize: 16)
        var rows = [Float](repeating: 0.5, count: 3 * 4)
        rows[2 * 4 + 1] = .nan
        let tokens: [Int32] = [3, 17, 40], selected: [Int32] = Array(repeating: 2, count: 64)
        rows.withUnsafeBufferPointer { input in
            tokens.withUnsafeBufferPointer { tokenIndices in
                selected.withUnsafeBufferPointer { experts in
                    accumulator.observe(ObservedActivation(
                        tensorName: "blk.1.ffn_down_exps.weight", input: input.baseAddress!, rows: 3, columns: 4,
                        expert: ExpertRows(expert: 2, expertCount: 4, tokenIndices: tokenIndices, selectedExperts: experts, usedCount: 1)))
                }
            }
        }
        // Row 2 is token 40 of the batch: the third chunk of the batch, i.e. chunk 4 + 2 + 1 = 7.
        #expect(accumulator.failure?.description
                == "m.gguf: blk.1.ffn_down_exps.weight: non-finite activation for expert 2 in chunk 7 (token 8 of the chunk)")
    }
}
