import GGUF
import Harness
import IMatrix
import Kernels
import Model
import Quantization
import Weighting

/// Diagnoses one weight tensor from its dequantized weights and the activations collected for
/// it: weight and activation structure, the error decomposition and saliency at each bit
/// width, and — with sampled rows — the AWQ-style scale search next to ggml's quantizers.
public struct TensorDiagnoser {
    public let bits: [Int]
    public let groupSize: Int
    public let importance: ImportanceMatrix
    /// The formula compared with `llama`, per requested ggml type name (`*`: every type).
    public let formulas: [String: any WeightFormula]
    public let threads: Int

    public init(bits: [Int], groupSize: Int, importance: ImportanceMatrix, formulas: [String: any WeightFormula] = [:],
                threads: Int = Parallel.processorCount) {
        self.bits = bits
        self.groupSize = groupSize
        self.importance = importance
        self.formulas = formulas
        self.threads = threads
    }

    /// The ggml type of each bit width (before llama-quantize's fallback); 7 bits has none.
    static func ggmlType(bits: Int) -> GGMLType? {
        switch bits {
        case 2: .q2_K
        case 3: .q3_K
        case 4: .q4_K
        case 5: .q5_K
        case 6: .q6_K
        case 8: .q8_0
        default: nil
        }
    }

    /// Diagnoses `matrix` from its dequantized `weights` (experts × rows × columns) and the
    /// activations `collected` for it.
    public func diagnose(matrix: ModelMatrix, weights: [Float], collected: ActivationDiagnostics.Tensor) throws -> TensorDiagnosis {
        let columns = matrix.inFeatures, perMatrix = matrix.outFeatures * columns
        let totalRows = matrix.outFeatures * matrix.experts
        precondition(weights.count == perMatrix * matrix.experts)
        let pooled = collected.pooled
        let meanSquares = pooled.meanSquares
        let structure = weights.withUnsafeBufferPointer {
            WeightStructure.measure($0, rowCount: totalRows, rowLength: columns, threads: threads)
        }
        var decompositions: [ErrorDecomposition] = []
        var profile: ChannelProfile?
        var saliencyValues: [Double] = []
        var rounded = [Float](repeating: 0, count: weights.count)
        for width in bits {
            let rounding = GroupRounding(bits: width, groupSize: groupSize)
            let errors = weights.withUnsafeBufferPointer { w in
                rounded.withUnsafeMutableBufferPointer { r in
                    rounding.apply(w.baseAddress!, rowCount: totalRows, rowLength: columns, into: r.baseAddress!, threads: threads)
                    return ColumnErrors(weights: w.baseAddress!, reconstruction: r.baseAddress!, rowCount: totalRows,
                                        columns: columns, threads: threads)
                }
            }
            decompositions.append(ErrorDecomposition.measure(errors: errors, meanSquares: meanSquares, bits: width,
                                                             groupSize: groupSize))
            if profile == nil {
                saliencyValues = ChannelSaliency.values(errors: errors, meanAbs: pooled.meanAbs)
                profile = ChannelProfile(
                    power: meanSquares.map { Float($0) }, saliency: saliencyValues.map { Float($0) },
                    weightError: errors.squaredError.map { Float(($0 / Double(totalRows)).squareRoot()) })
            }
        }
        let searches = collected.sample.count > 0 ? try scaleSearches(matrix: matrix, weights: weights, collected: collected) : []
        return TensorDiagnosis(
            name: matrix.name, layer: WeightOrder.layer(of: matrix.name), family: ModuleFamily(tensorName: matrix.name),
            columns: columns, rows: matrix.outFeatures, experts: matrix.experts, storedType: matrix.storedType.name,
            expertRows: collected.moments.map(\.rows), weights: structure, activations: ActivationStructure.measure(pooled),
            saliency: ChannelSaliency.measure(saliencyValues), decomposition: decompositions, scaleSearch: searches,
            channels: profile)
    }

    /// The scale search at every bit width, expert by expert on the expert's sampled rows.
    private func scaleSearches(matrix: ModelMatrix, weights: [Float], collected: ActivationDiagnostics.Tensor) throws -> [ScaleSearch] {
        let columns = matrix.inFeatures, perMatrix = matrix.outFeatures * columns
        let slices = try importance.slices(for: matrix.name, columns: columns, matrices: matrix.experts, zeroCount: .ones)
        var probes: [(expert: Int, probe: OutputErrorProbe)] = []
        for expert in 0..<matrix.experts {
            let rows = matrix.experts == 1 ? collected.sample.values : collected.sample.rows(of: expert)
            if !rows.isEmpty { probes.append((expert, OutputErrorProbe(inputs: rows, columns: columns))) }
        }
        var results: [ScaleSearch] = []
        for width in bits {
            let rounding = GroupRounding(bits: width, groupSize: groupSize)
            var sums: ScaleSearch.Sums?
            for (expert, probe) in probes {
                let part = weights.withUnsafeBufferPointer {
                    ScaleSearch.sums(weights: $0.baseAddress! + expert * perMatrix, rowCount: matrix.outFeatures,
                                     meanAbs: collected.moments[expert].meanAbs, probe: probe, rounding: rounding, threads: threads)
                }
                if sums == nil { sums = part } else { sums!.add(part) }
            }
            guard let sums else { continue }
            var search = ScaleSearch.result(bits: width, sums: sums)
            if let requested = Self.ggmlType(bits: width) {
                let type = TensorRecipe.fallback(requested, columns: columns)
                search.ggmlType = type.name
                search.ggmlLlamaError = try ggmlError(type, formula: LlamaFormula(),
                                                      matrix: matrix, weights: weights, slices: slices, probes: probes)
                if let formula = formulas[requested.name] ?? formulas["*"] {
                    search.formula = formula.description
                    search.ggmlFormulaError = try ggmlError(type, formula: formula, matrix: matrix, weights: weights,
                                                            slices: slices, probes: probes)
                }
            }
            results.append(search)
        }
        return results
    }

    /// Relative output error of ggml's `type` quantizer with `formula` and the tensor's importance.
    private func ggmlError(_ type: GGMLType, formula: any WeightFormula, matrix: ModelMatrix, weights: [Float],
                           slices: [ImportanceMatrix.Slice?]?, probes: [(expert: Int, probe: OutputErrorProbe)]) throws -> Double {
        let columns = matrix.inFeatures, perMatrix = matrix.outFeatures * columns
        var decoded = [Float](repeating: 0, count: perMatrix)
        var error = 0.0, reference = 0.0
        for (expert, probe) in probes {
            let slice = slices?[expert] ?? nil
            let effective = formula.applicable(hasImportance: slice != nil)
            let sums = try weights.withUnsafeBufferPointer { source in
                try decoded.withUnsafeMutableBufferPointer { target in
                    let rows = source.baseAddress! + expert * perMatrix
                    _ = try QuantizationScoring.reconstruct(
                        type, formula: effective, rows: rows, rowCount: matrix.outFeatures, rowLength: columns,
                        importance: slice?.values, tokenCount: slice?.tokenCount ?? 0, pooled: slice?.pooled, into: target.baseAddress!, threads: threads)
                    return probe.errorSums(weights: rows, reconstruction: target.baseAddress!, rowCount: matrix.outFeatures)
                }
            }
            error += sums.error
            reference += sums.reference
        }
        return reference > 0 ? (error / reference).squareRoot() : 0
    }
}
