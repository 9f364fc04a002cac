import Foundation
import Testing
import GGUF
import Model
import TestSupport

/// The Model module's forward pass against the naive Double reference, on a tiny model of
/// every supported family built by the test itself.
///
/// Tolerance: max |logit − reference| ≤ 1e-4 · max |reference logit| (and the same relative to
/// each tensor's largest input value for the observed matmul inputs). A correct float32
/// forward pass over these few small layers lands around 1e-6 relative (float rounding,
/// summation order; quantized weights are dequantized identically on both sides), while every
/// rule the models exercise — a skipped norm, the wrong RoPE pairing, base or scaling, a
/// missing bias, the sliding window, the wrong expert choice — moves the logits by more than
/// 1e-2 relative (see NaiveReferenceTests.rulesMatter and the fixture READMEs' ablations).
@Suite("Forward pass against the naive reference")
struct ForwardPassTests {
    static let sequenceLength = 16
    static let tolerance = 1e-4

    /// One tiny model with one weight-cache setting.
    struct Case: CustomStringConvertible, Sendable {
        let spec: TinyModelSpec
        let weightCacheBytes: Int
        var description: String { "\(spec.name), weight cache \(weightCacheBytes == 0 ? "off (streaming dequantization)" : "on")" }
    }

    static let cases: [Case] = TinyModels.all.flatMap {
        [Case(spec: $0, weightCacheBytes: 0), Case(spec: $0, weightCacheBytes: 1 << 30)]
    }

    @Test("Two sequences in one batch: every logit and every observed matmul input match", arguments: cases)
    func logitsAndInputs(_ testCase: Case) throws {
        let spec = testCase.spec, length = Self.sequenceLength
        let directory = try TemporaryDirectory()
        let path = try TinyModels.write(spec, in: directory)
        let naive = try NaiveTransformer(file: GGUFFile(path: path))
        var random = SeededGenerator(seed: spec.seed &* 31 &+ 7)
        let sequences = (0..<2).map { _ in random.tokens(length, vocabularySize: spec.vocabularySize) }
        let references = try sequences.map { try naive.run(tokens: $0) }

        let model = try TransformerModel(file: GGUFFile(path: path),
                                         options: ModelOptions(threads: 2, weightCacheBytes: testCase.weightCacheBytes,
                                                               activationPrecision: .float32))
        let observer = RecordingObserver()
        let logits = try Self.logits(model, sequences, positions: Array(0..<length),
                                     layout: .fullRows(rowsPerSlice: 5), observer: observer)

        let expected = references.flatMap(\.logits)
        Self.expectClose(logits, expected, what: "\(spec.name) logits")
        #expect(observer.problems.isEmpty, "\(spec.name): \(observer.problems.prefix(5))")

        // Matmul inputs: the same tensors (and experts), the same rows, the same values.
        var naiveRows: [NaiveMatmulKey: [Int: [Double]]] = [:]
        for (s, reference) in references.enumerated() {
            for (key, rows) in reference.inputs {
                for row in rows { naiveRows[key, default: [:]][s * length + row.position] = row.values }
            }
        }
        let missing = Set(naiveRows.keys).subtracting(observer.rows.keys).map(\.description).sorted()
        let extra = Set(observer.rows.keys).subtracting(naiveRows.keys).map(\.description).sorted()
        #expect(missing.isEmpty, "\(spec.name): never observed: \(missing)")
        #expect(extra.isEmpty, "\(spec.name): observed but not a matmul of the reference: \(extra)")
        for (key, rows) in naiveRows {
            guard let observed = observer.rows[key] else { continue }
            #expect(Set(observed.keys) == Set(rows.keys),
                    "\(spec.name) \(key): observed token rows \(observed.keys.sorted()), reference \(rows.keys.sorted())")
            let scale = rows.values.flatMap { $0 }.map(abs).max() ?? 0
            var worst = (difference: 0.0, token: -1, column: -1)
            for (token, values) in rows {
                guard let row = observed[token], row.count == values.count else { continue }
                for (column, value) in values.enumerated() where abs(Double(row[column]) - value) > worst.difference {
                    worst = (abs(Double(row[column]) - value), token, column)
                }
            }
            #expect(worst.difference <= Self.tolerance * scale,
                    "\(spec.name) \(key): input differs by \(worst.difference) at token \(worst.token), column \(worst.column) (max |x| \(scale))")
        }

        // MoE: the same experts chosen for every token.
        if spec.expertCount > 0 {
            for layer in 0..<spec.blockCount where spec.hasExperts(layer: layer) {
                let name = "blk.\(layer).ffn_gate_exps.weight"
                let chosen = references.flatMap { $0.routing[layer] ?? [] }.map(Set.init)
                #expect(observer.selections[name] == chosen, "\(spec.name) layer \(layer): selected experts differ")
            }
        }
    }

    @Test("Requested positions only, without an observer, in vocabulary blocks", arguments: TinyModels.all)
    func requestedPositions(_ spec: TinyModelSpec) throws {
        let directory = try TemporaryDirectory()
        let path = try TinyModels.write(spec, in: directory)
        let naive = try NaiveTransformer(file: GGUFFile(path: path))
        var random = SeededGenerator(seed: spec.seed &+ 99)
        let sequences = (0..<2).map { _ in random.tokens(Self.sequenceLength, vocabularySize: spec.vocabularySize) }
        let positions = [15, 0, 7, 8]
        let expected = try sequences.flatMap { try naive.run(tokens: $0, outputPositions: positions).logits }
        let model = try TransformerModel(file: GGUFFile(path: path), options: ModelOptions(threads: 2, activationPrecision: .float32))
        let logits = try Self.logits(model, sequences, positions: positions, layout: .vocabularyBlocks(width: 64), observer: nil)
        Self.expectClose(logits, expected, what: "\(spec.name) logits at \(positions)")
    }

    /// Runs `sequences` as one batch and assembles the requested logits rows from the blocks.
    static func logits(
        _ model: TransformerModel, _ sequences: [[Int32]], positions: [Int], layout: LogitsLayout,
        observer: RecordingObserver?
    ) throws -> [[Float]] {
        let rowCount = sequences.count * positions.count
        let vocabulary = model.spec.vocabularySize
        var rows = [[Float]](repeating: [Float](repeating: .nan, count: vocabulary), count: rowCount)
        let request = LogitsRequest(positions: positions, layout: layout) { block in
            for r in block.rows {
                let values = block.row(r)
                for (offset, token) in block.vocabulary.enumerated() { rows[r][token] = values[offset] }
            }
        }
        try model.evaluate(TokenBatch(tokens: sequences.flatMap { $0 }, sequenceLength: sequences[0].count),
                           observer: observer, logits: request)
        return rows
    }

    /// Every row within `tolerance · max |expected|`, reporting the worst element.
    static func expectClose(_ actual: [[Float]], _ expected: [[Double]], what: String) {
        #expect(actual.count == expected.count, "\(what): \(actual.count) rows, expected \(expected.count)")
        let scale = expected.flatMap { $0 }.map(abs).max() ?? 0
        var worst = (difference: 0.0, row: -1, column: -1)
        for (r, (a, e)) in zip(actual, expected).enumerated() {
            #expect(a.count == e.count, "\(what): row \(r) has \(a.count) columns, expected \(e.count)")
            for (column, (x, y)) in zip(a, e).enumerated() {
                let difference = Double(x).isNaN ? .infinity : abs(Double(x) - y)
                if difference > worst.difference { worst = (difference, r, column) }
            }
        }
        #expect(worst.difference <= tolerance * scale,
                "\(what): differs by \(worst.difference) at row \(worst.row), token \(worst.column) (max |logit| \(scale))")
    }
}
