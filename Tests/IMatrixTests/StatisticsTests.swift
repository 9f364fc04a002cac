import Foundation
import IMatrix
import Testing
import TestSupport

/// `--show-statistics` figures against llama-imatrix: the verified §6 rows of docs/imatrix-spec.md character for
/// character, and the real gemma3-270m imatrix against llama.cpp's own log.
@Suite("llama-imatrix --show-statistics figures")
struct StatisticsTests {
    /// §6: `llama-imatrix --in-file ex2.gguf --show-statistics`, log prefix stripped.
    static let verifiedOutput = """

        Computing statistics for ex2.gguf (2 tensors)

         Layer\t       Tensor\t          Σ(Act²)\t  Min\t            Max\t           μ\t   σ\t % Active\tN\t   Entropy\tE (norm)\tZD\t  CosSim
        =========================================================================================================================================================================
            0\tattn_q              \t      7.50\t  0.5000\t     4.0000\t  1.88\t  1.34\t  100.00%\t     4\t    1.6402\t 82.01%\t     25.00%\t  0.0000
            0\tffn_down_exps       \t      5.33\t  2.0000\t     3.3333\t  2.67\t  0.67\t  100.00%\t     2\t    0.9544\t 95.44%\t      0.00%\t  0.0000

        Computing weighted average statistics per layer (1 layers)

          Layer\t     μΣ(Act²)\t      μZD\tμCosSim
        ================================================
            0\t          6.78\t   16.6667%\t0.0000


        """

    @Test("§6: the verified output of the §2.6 file, character for character (ZD of the two-value expert is 0)")
    func verifiedExample() throws {
        let statistics = ImatrixStatistics(collection: WorkedExampleTests.example)
        #expect(statistics.text(source: "ex2.gguf") == Self.verifiedOutput)
        let experts = try #require(statistics.tensors.last)
        #expect(experts.elements == 2)   // expert 1 (count 0) left out
        #expect(experts.zScoreFraction == 0)
        #expect(statistics.skipped.isEmpty)
    }

    @Test("The §2.6 file read from disk and loaded as llama-imatrix loads it gives the same table")
    func verifiedExampleFromFile() throws {
        let directory = try TemporaryDirectory()
        let path = try WorkedExampleTests.write(WorkedExampleTests.bytes(WorkedExampleTests.ggufHex), "ex2.gguf", in: directory)
        let file = try ImportanceMatrix.read(path: path)
        var collection = ImatrixCollection()
        try collection.add(file, chunkSize: file.chunkSize ?? 512)
        #expect(ImatrixStatistics(collection: collection).text(source: "ex2.gguf") == Self.verifiedOutput)
    }

    @Test("An entry whose counts are all zero is skipped; CosSim uses the raw sums of the previous block")
    func skippingAndCosine() {
        let collection = ImatrixCollection(entries: [
            "blk.0.ffn_up.weight": ImatrixEntry(name: "blk.0.ffn_up.weight", sums: [1, 0], counts: [2]),
            "blk.1.ffn_up.weight": ImatrixEntry(name: "blk.1.ffn_up.weight", sums: [1, 1], counts: [8]),
            "blk.2.ffn_up.weight": ImatrixEntry(name: "blk.2.ffn_up.weight", sums: [0, 0, 0, 0], counts: [0, 0]),
            "output.weight": ImatrixEntry(name: "output.weight", sums: [3, 4], counts: [1]),
        ])
        let statistics = ImatrixStatistics(collection: collection)
        #expect(statistics.skipped == ["blk.2.ffn_up.weight"])
        #expect(statistics.tensors.map(\.name) == ["blk.0.ffn_up.weight", "blk.1.ffn_up.weight", "output.weight"])
        let second = statistics.tensors[1]
        #expect(abs(second.cosineSimilarity - Float(0.5.squareRoot())) < 1e-6)   // [1,1]·[1,0] / (√2·1), counts ignored
        #expect(statistics.tensors[0].cosineSimilarity == 0)
        #expect(statistics.tensors[2].label == TensorLabel(name: "output.weight"))
        #expect(statistics.tensors[2].label.layer == "-")
        #expect(statistics.layers.map(\.layer) == [0, 1])   // output.weight is in no layer
    }

    @Test("Tensor labels and previous-block names follow llama.cpp's parsing")
    func labels() {
        #expect(TensorLabel(name: "blk.12.ffn_down_exps.weight") == TensorLabel(name: "blk.12.ffn_down_exps.weight"))
        #expect(TensorLabel(name: "blk.12.ffn_down_exps.weight").layer == "12")
        #expect(TensorLabel(name: "blk.12.ffn_down_exps.weight").tensor == "ffn_down_exps")
        #expect(TensorLabel(name: "blk.12.ffn_down_exps.weight").block == 12)
        #expect(TensorLabel(name: "token_embd").tensor == "token_embd")
        #expect(TensorLabel(name: "token_embd").block == -1)
        #expect(TensorLabel.previousBlockName(of: "blk.10.attn_q.weight") == "blk.9.attn_q.weight")
        #expect(TensorLabel.previousBlockName(of: "blk.0.attn_q.weight") == "blk.-1.attn_q.weight")
        #expect(TensorLabel.previousBlockName(of: "mm.blk.blk.3.x.weight") == "mm.blk.blk.2.x.weight")
        #expect(TensorLabel.previousBlockName(of: "output.weight") == nil)
    }

    // MARK: - gemma3-270m against llama.cpp's log

    /// A row of llama.cpp's printed table: layer, tensor and the 11 numbers.
    struct PrintedRow {
        var layer: String
        var tensor: String
        var numbers: [Double]
    }

    /// llama.cpp's log prefix: `0.00.007.175 I `.
    nonisolated(unsafe) static let logPrefix = try! Regex(#"^\d+\.\d+\.\d+\.\d+ [A-Z] "#)

    /// The rows of `llama-imatrix.show-statistics.log` (timestamp and level prefix stripped),
    /// tensor table and layer table.
    static func parseLog(_ text: String) -> (tensors: [PrintedRow], layers: [PrintedRow], lines: [String]) {
        var tensors: [PrintedRow] = [], layers: [PrintedRow] = []
        var lines: [String] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(raw)
            if let match = line.firstMatch(of: logPrefix) { line = String(line[match.range.upperBound...]) }
            lines.append(line)
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let numbers = fields.map { Double($0.replacingOccurrences(of: "%", with: "")) }
            if fields.count == 13, numbers[2...].allSatisfy({ $0 != nil }) {
                tensors.append(PrintedRow(layer: fields[0], tensor: fields[1], numbers: numbers[2...].map { $0! }))
            } else if fields.count == 4, numbers.allSatisfy({ $0 != nil }) {
                layers.append(PrintedRow(layer: fields[0], tensor: "", numbers: numbers[1...].map { $0! }))
            }
        }
        return (tensors, layers, lines)
    }

    /// Within 1 % or within the printed resolution (half a unit of the last digit, plus one
    /// for rounding that lands on the other side).
    static func close(_ ours: Double, _ reference: Double, decimals: Int) -> Bool {
        let resolution = pow(10, Double(-decimals))
        return abs(ours - reference) <= max(0.01 * abs(reference), resolution)
    }

    @Test("gemma3-270m: every row within 1 % of llama-imatrix's log, same order, same layer table", .needsFixtures)
    func gemmaAgainstLlamaCpp() throws {
        let path = try TestEnvironment.fixture("reference/gemma3-270m/gemma3-270m.gpl-apache.c512.imatrix.gguf")
        let log = try String(contentsOfFile: TestEnvironment.fixture("reference/gemma3-270m/llama-imatrix.show-statistics.log"), encoding: .utf8)
        let reference = Self.parseLog(log)
        #expect(reference.tensors.count == 126)
        #expect(reference.layers.count == 18)

        let file = try ImportanceMatrix.read(path: path)
        var collection = ImatrixCollection()
        try collection.add(file, chunkSize: file.chunkSize ?? 512)
        let statistics = ImatrixStatistics(collection: collection)
        let ours = Self.parseLog(statistics.text(source: "gemma3-270m.gpl-apache.c512.imatrix.gguf"))

        #expect(ours.tensors.map { "\($0.layer) \($0.tensor)" } == reference.tensors.map { "\($0.layer) \($0.tensor)" })
        let decimals = [2, 4, 4, 2, 2, 2, 0, 4, 2, 2, 4]
        var identicalLines = 0
        for (mine, theirs) in zip(ours.tensors, reference.tensors) {
            for column in decimals.indices {
                #expect(Self.close(mine.numbers[column], theirs.numbers[column], decimals: decimals[column]),
                        "\(theirs.layer) \(theirs.tensor) column \(column): \(mine.numbers[column]) vs \(theirs.numbers[column])")
            }
        }
        #expect(ours.layers.count == reference.layers.count)
        for (mine, theirs) in zip(ours.layers, reference.layers) {
            #expect(mine.layer == theirs.layer)
            for (column, digits) in [2, 4, 4].enumerated() {
                #expect(Self.close(mine.numbers[column], theirs.numbers[column], decimals: digits),
                        "layer \(theirs.layer) column \(column): \(mine.numbers[column]) vs \(theirs.numbers[column])")
            }
        }
        // The same arithmetic on the same float32 sums: the printed text should agree, line for line.
        let referenceLines = Set(reference.lines)
        for line in ours.lines where referenceLines.contains(line) { identicalLines += 1 }
        #expect(identicalLines >= ours.lines.count - 3, "only \(identicalLines) of \(ours.lines.count) lines identical")
        #expect(ours.lines.first { $0.hasPrefix("Computing statistics") } == "Computing statistics for gemma3-270m.gpl-apache.c512.imatrix.gguf (126 tensors)")
    }

    @Test("The legacy .dat of the same run gives the same rows as the GGUF (means preserved)", .needsFixtures)
    func legacyMatchesGGUF() throws {
        func statistics(_ name: String) throws -> ImatrixStatistics {
            let file = try ImportanceMatrix.read(path: TestEnvironment.fixture("reference/gemma3-270m/" + name))
            var collection = ImatrixCollection()
            try collection.add(file, chunkSize: file.chunkSize ?? 512)
            return ImatrixStatistics(collection: collection)
        }
        let gguf = try statistics("gemma3-270m.gpl-apache.c512.imatrix.gguf")
        let legacy = try statistics("gemma3-270m.gpl-apache.c512.imatrix.dat")
        #expect(gguf.tensors.map(\.name) == legacy.tensors.map(\.name))
        for (a, b) in zip(gguf.tensors, legacy.tensors) {
            #expect(abs(a.sum - b.sum) <= 1e-5 * abs(a.sum), "\(a.name)")
            #expect(a.elements == b.elements)
        }
    }
}
