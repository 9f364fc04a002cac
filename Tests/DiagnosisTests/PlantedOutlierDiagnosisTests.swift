import Diagnosis
import Foundation
import GGUF
import Harness
import IMatrix
import Model
import TestSupport
import Testing
import Weighting

/// The diagnosis on a synthetic tensor whose input has planted outlier columns, fed through the
/// real observers (diagnostics and imatrix accumulator) and the real quantizers.
@Suite struct PlantedOutlierDiagnosisTests {
    static let columns = 512, outputs = 96, tokens = 2048, batch = 512
    static let planted: Set<Int> = [17, 130, 255, 301, 470]
    static let outlierScale = 30.0

    /// Runs the observers over `tokens` rows (N(0,1), planted columns × `scale`) and diagnoses.
    static func diagnose(scale: Double) throws -> TensorDiagnosis {
        var generator = SeededGenerator(seed: 42)
        let weights = generator.normals(columns * outputs, standardDeviation: 0.02)
        let name = "blk.0.ffn_down.weight"
        let diagnostics = ActivationDiagnostics(pattern: try NSRegularExpression(pattern: "ffn_down"), sampleRows: 256, threads: 2)
        let accumulator = ImatrixAccumulator(threads: 2)
        let fanOut = ObserverFanOut([accumulator, diagnostics])
        for _ in 0..<(tokens / batch) {
            var rows = generator.normals(batch * columns, standardDeviation: 1)
            for row in 0..<batch { for column in planted { rows[row * columns + column] *= Float(scale) } }
            rows.withUnsafeBufferPointer {
                fanOut.observe(ObservedActivation(tensorName: name, input: $0.baseAddress!, rows: batch, columns: columns, expert: nil))
            }
        }
        let diagnoser = TensorDiagnoser(bits: [3, 4], groupSize: 32,
                                        importance: ImportanceMatrix(collection: accumulator.collection, source: "synthetic"),
                                        threads: 2)
        let matrix = ModelMatrix(name: name, inFeatures: columns, outFeatures: outputs, experts: 1, storedType: .f32)
        return try diagnoser.diagnose(matrix: matrix, weights: weights, collected: try #require(diagnostics.tensors[name]))
    }

    @Test func findsExactlyThePlantedColumns() throws {
        let diagnosis = try Self.diagnose(scale: Self.outlierScale)
        #expect(Set(diagnosis.activations.outlierColumns) == Self.planted)
        #expect(Set(diagnosis.saliency.topChannels.prefix(Self.planted.count)) == Self.planted)
        // The top 1% of 512 columns is 5 columns: the planted ones, holding 5·30² of 5·30² + 507.
        let power = 5 * Self.outlierScale * Self.outlierScale
        let expected = power / (power + Double(Self.columns - 5))
        #expect(abs(diagnosis.activations.top1PercentPowerShare - expected) < 0.01)
        #expect(diagnosis.activations.rows == Double(Self.tokens))
        // Each planted column's power is 900 against 1: its share of the output error follows.
        #expect(diagnosis.decomposition[0].topShares[0] > 0.5)
    }

    @Test func scaleSearchPicksPositiveAlphaWithOutliers() throws {
        let diagnosis = try Self.diagnose(scale: Self.outlierScale)
        for search in diagnosis.scaleSearch {
            #expect(search.alphas.count == 21)
            #expect(search.errors[0] == search.plainError)
            #expect(search.bestAlpha > 0, "bits \(search.bits)")
            #expect(search.bestError < search.plainError * 0.9, "bits \(search.bits): \(search.plainError) → \(search.bestError)")
            #expect(search.ggmlType == (search.bits == 3 ? "Q3_K" : "Q4_K"))
            #expect((search.ggmlLlamaError ?? 0) > 0)
        }
    }

    @Test func scaleSearchKeepsAlphaNearZeroForUniformInput() throws {
        let diagnosis = try Self.diagnose(scale: 1)
        #expect(diagnosis.activations.outlierColumns.isEmpty)
        #expect(abs(diagnosis.activations.top1PercentPowerShare - 5.0 / 512) < 0.002)
        for search in diagnosis.scaleSearch {
            #expect(search.bestAlpha <= 0.1, "bits \(search.bits): α \(search.bestAlpha), errors \(search.errors)")
            #expect(search.reduction < 1.02)
        }
    }
}
