import Foundation
import GGUF
import IMatrix
import Model
import Quantization
import Weighting

/// Fake quantization of a grid point: each chosen tensor is quantized with the point's formula
/// and importance, dequantized in memory, scored against the imatrix, and put into the model
/// in place of the file's values (every other tensor keeps its cached float32 copy).
public final class VariantQuantizer {
    let model: TransformerModel
    /// The imatrix the next ``apply(_:formula:)`` quantizes with (a sweep with imatrix axes
    /// switches it between settings; the dequantized originals stay cached).
    var importance: ImportanceMatrix
    let threads: Int
    /// The file's values of each tensor some point quantizes, dequantized once.
    private var originals: [String: [Float]] = [:]

    init(model: TransformerModel, importance: ImportanceMatrix, threads: Int) {
        self.model = model
        self.importance = importance
        self.threads = threads
    }

    /// Quantizes `choices` with `formula`, replaces them in the model and returns their scores.
    func apply(_ choices: [TensorRecipe.Choice], formula: any WeightFormula) throws -> [SweepRecord.TensorScore] {
        var scores: [SweepRecord.TensorScore] = []
        for choice in choices {
            let matrix = choice.matrix
            let values = try original(matrix)
            let perMatrix = matrix.inFeatures * matrix.outFeatures
            let slices = try importance.slices(for: matrix.name, columns: matrix.inFeatures, matrices: matrix.experts, zeroCount: .ones)
            var decoded = [Float](repeating: 0, count: values.count)
            var total = ErrorTotals()
            var experts: [SweepRecord.ExpertScore] = []
            // Without an imatrix entry (e.g. token_embd) the tensor takes ggml's no-imatrix path.
            let effective = formula.applicable(hasImportance: slices != nil)
            for expert in 0..<matrix.experts {
                let slice = slices?[expert] ?? nil
                let totals = try values.withUnsafeBufferPointer { source in
                    try decoded.withUnsafeMutableBufferPointer { target in
                        try QuantizationScoring.reconstruct(
                            choice.used, formula: effective, rows: source.baseAddress! + expert * perMatrix,
                            rowCount: matrix.outFeatures, rowLength: matrix.inFeatures, importance: slice?.values,
                            tokenCount: slice?.tokenCount ?? 0, pooled: slice?.pooled, into: target.baseAddress! + expert * perMatrix,
                            threads: threads)
                    }
                }
                total.add(totals)
                if matrix.isExpertStack {
                    experts.append(SweepRecord.ExpertScore(expert: expert, tokens: Double(slice?.tokenCount ?? 0), totals: totals))
                }
            }
            try decoded.withUnsafeBufferPointer { try model.replaceWeights(of: matrix.name, with: $0, as: choice.used) }
            scores.append(SweepRecord.TensorScore(
                name: matrix.name, layer: WeightOrder.layer(of: matrix.name), requestedType: choice.requested.name, type: choice.used.name,
                sourceType: matrix.storedType.name, totals: total, experts: matrix.isExpertStack ? experts : nil))
        }
        return scores
    }

    private func original(_ matrix: ModelMatrix) throws -> [Float] {
        if let values = originals[matrix.name] { return values }
        let values = try model.file.dequantize(try model.file.tensor(named: matrix.name), threads: threads)
        originals[matrix.name] = values
        return values
    }
}
