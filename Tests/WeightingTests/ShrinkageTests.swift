import Foundation
import GGUF
import IMatrix
import Quantization
import TestSupport
import Testing
import Weighting

/// Expert-aware shrinkage: the tensor's pooled importance in every slice, `shrink(k)` pulling an
/// expert's importance toward it by the expert's token count, and `lognormal-n(k)`'s λ per expert.
@Suite("Shrinkage formulas")
struct ShrinkageTests {
    static let registry = FormulaRegistry.standard

    /// FormulaQuantizer's bytes for one fixture-sized matrix.
    static func bytes(_ type: GGMLType, _ formula: any WeightFormula, _ x: [Float], rows: Int, rowLength: Int,
                      importance: [Float], tokenCount: Float, pooled: [Float]?) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: RowQuantizer.byteCount(type, rowCount: rows, rowLength: rowLength))
        try x.withUnsafeBufferPointer { source in
            try output.withUnsafeMutableBytes { target in
                try FormulaQuantizer.quantize(type, formula: formula, rows: source.baseAddress!, rowCount: rows, rowLength: rowLength,
                                              importance: importance, tokenCount: tokenCount, pooled: pooled,
                                              into: target.baseAddress!, threads: 2)
            }
        }
        return output
    }

    @Test("Pooled importance: Σx² over the experts ÷ their tokens, in every slice; none for legacy files")
    func pooled() throws {
        let entry = ImportanceMatrix.Entry(name: "e", values: [6, 10, 2, 4, 0, 0], counts: [3, 1, 0])
        let matrix = ImportanceMatrix(path: "<memory>", format: .gguf, entries: [entry], datasets: [], chunkCount: nil, chunkSize: nil)
        let slices = try #require(try matrix.slices(for: "e", columns: 2, matrices: 3, zeroCount: .ones))
        #expect(slices.allSatisfy { $0?.pooled == [2, 3.5] })
        #expect(slices[2]?.isPlaceholder == true)
        let silent = ImportanceMatrix(path: "<memory>", format: .gguf, entries: [ImportanceMatrix.Entry(name: "e", values: [0, 0], counts: [0])],
                                      datasets: [], chunkCount: nil, chunkSize: nil)
        #expect(try silent.slices(for: "e", columns: 2, matrices: 1, zeroCount: .ones)?[0]?.pooled == nil)
        let legacy = ImportanceMatrix(path: "<memory>", format: .dat, entries: [entry], datasets: [], chunkCount: nil, chunkSize: nil)
        #expect(try legacy.slices(for: "e", columns: 2, matrices: 3, zeroCount: .ones)?.allSatisfy { $0?.pooled == nil } == true)
    }

    @Test("On llama-imatrix's MoE file the pooled value is the token-weighted mean of the experts' qw", .needsFixtures)
    func pooledOnFixture() throws {
        let file = try ImportanceMatrix.read(path: try TestEnvironment.fixture("moe/tiny-mixtral.gpl-apache.c128x4.imatrix.gguf"))
        let entry = try #require(file.entries.first { $0.name.hasSuffix("ffn_down_exps.weight") })
        let matrices = entry.counts.count, columns = entry.values.count / matrices
        let slices = try #require(try file.slices(for: entry.name, columns: columns, matrices: matrices, zeroCount: .skip))
        let pooled = try #require(slices.compactMap { $0 }.first?.pooled)
        for j in 0..<columns {
            var weighted = 0.0, tokens = 0.0
            for slice in slices.compactMap({ $0 }) {
                weighted += Double(slice.values[j]) * Double(slice.tokenCount)
                tokens += Double(slice.tokenCount)
            }
            #expect(abs(Double(pooled[j]) - weighted / tokens) <= 1e-5 * weighted / tokens, "column \(j)")
        }
    }

    @Test("shrink(k): (n·qw + k·m̄)/(n + k); an expert without tokens gets m̄; k = 0 or m̄ = qw is llama")
    func shrinkImportance() throws {
        let shrink = ShrinkFormula(k: 8)
        #expect(shrink.adjustedImportance([4, 1], tokenCount: 8, pooled: [2, 3]) == [3, 2])
        #expect(shrink.adjustedImportance([1, 1], tokenCount: 0, pooled: [2, 3]) == [2, 3])
        #expect(shrink.adjustedImportance([4, 1], tokenCount: 1e9, pooled: [2, 3]).elementsEqual([4, 1]) { abs($0 - $1) < 1e-6 })
        #expect(shrink.adjustedImportance([4, 1], tokenCount: 8, pooled: nil) == [4, 1])
        #expect(ShrinkFormula(k: 0).adjustedImportance([4, 1], tokenCount: 8, pooled: [2, 3]) == [4, 1])
    }

    @Test("shrink's bytes: ggml's with the shrunk importance; ggml's own where nothing is shrunk", .needsFixtures)
    func shrinkBytes() throws {
        let fixture = try #require(try QuantFixtures.cases().first { $0.type == "Q4_K" && $0.importance })
        let type = try #require(GGMLType(name: fixture.type))
        let x = try RawFiles.floats(fixture.inputPath)
        let qw = try RawFiles.floats(try #require(fixture.importancePath))
        let pooled = qw.indices.map { qw[($0 * 7 + 3) % qw.count] + 0.01 }
        func run(_ formula: any WeightFormula, importance: [Float], tokens: Float, pooled: [Float]?) throws -> [UInt8] {
            try Self.bytes(type, formula, x, rows: fixture.rows, rowLength: fixture.rowLength, importance: importance, tokenCount: tokens, pooled: pooled)
        }
        let ggml = try RawFiles.bytes(fixture.quantizedPath)
        #expect(try run(ShrinkFormula(k: 0), importance: qw, tokens: 10, pooled: pooled) == ggml)
        #expect(try run(ShrinkFormula(k: 32), importance: qw, tokens: 10, pooled: qw) == ggml)
        let shrunk = zip(qw, pooled).map { (10 * $0 + 32 * $1) / (10 + 32) }
        let expected = try run(LlamaFormula(), importance: shrunk, tokens: 10, pooled: nil)
        #expect(try run(ShrinkFormula(k: 32), importance: qw, tokens: 10, pooled: pooled) == expected)
        #expect(expected != ggml)
    }

    @Test("lognormal-n(k): λ = k/(k + n), the bytes of lognormal(λ); k = 0 is llama", .needsFixtures)
    func lognormalByCount() throws {
        let formula = LogNormalByCountFormula(k: 64)
        #expect(formula.lambda(tokenCount: 64) == 0.5 && formula.lambda(tokenCount: 0) == 1 && formula.lambda(tokenCount: 192) == 0.25)
        let fixture = try #require(try QuantFixtures.cases().first { $0.type == "Q3_K" && $0.importance })
        let type = try #require(GGMLType(name: fixture.type))
        let x = try RawFiles.floats(fixture.inputPath)
        let qw = try RawFiles.floats(try #require(fixture.importancePath))
        func run(_ formula: any WeightFormula, tokens: Float) throws -> [UInt8] {
            try Self.bytes(type, formula, x, rows: fixture.rows, rowLength: fixture.rowLength, importance: qw, tokenCount: tokens, pooled: nil)
        }
        #expect(try run(formula, tokens: 64) == run(LogNormalFormula(lambda: 0.5), tokens: 64))
        #expect(try run(formula, tokens: 0) == run(LogNormalFormula(lambda: 1), tokens: 0))
        #expect(try run(LogNormalByCountFormula(k: 0), tokens: 5) == RawFiles.bytes(fixture.quantizedPath))
    }

    @Test("By name: shrink(16), lognormal-n(k=8); a negative k is refused")
    func registry() throws {
        #expect(try Self.registry.parse("shrink(16)").description == "shrink(k=16.0)")
        #expect(try Self.registry.parse("shrink").description == "shrink(k=64.0)")
        #expect(try Self.registry.parse("lognormal-n(k=8)").description == "lognormal-n(k=8.0)")
        #expect(try Self.registry.parse(#"{"name": "shrink", "k": 4}"#).description == "shrink(k=4.0)")
        #expect(throws: FormulaError.self) { try Self.registry.parse("shrink(k=-1)") }
        #expect(try Self.registry.parse("shrink").needsImportance && Self.registry.parse("lognormal-n").needsImportance)
    }
}
