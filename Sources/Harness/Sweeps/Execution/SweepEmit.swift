import Foundation
import GGUF
import IMatrix
import Model
import Quantization
import Weighting

/// `imx sweep CONFIG --emit TYPE/FORMULA -o OUT.gguf`: the real model file of one grid point.
/// The point's recipe is applied to the whole model (each tensor the recipe quantizes gets the
/// point's type, after llama-quantize's row-length fallback, quantized with the point's formula
/// and the sweep's imatrix; every other tensor is copied as stored), so the file holds exactly
/// the weights the sweep scored, and llama.cpp runs it.
public enum SweepEmit {
    public static func emit(plan: SweepPlan, variant: String, output: String, log: (String) -> Void) throws -> ModelQuantizeRun.Summary {
        guard let point = plan.points.first(where: { $0.variant == variant }) else {
            let names = plan.points.map(\.variant).joined(separator: ", ")
            throw SweepConfigError(file: plan.configPath, path: "--emit", message: "no grid point '\(variant)' (the grid: \(names))")
        }
        let file = try GGUFFile(path: plan.config.model)
        let choices = plan.recipe.choices(for: SweepPlan.matrices(of: file), swept: point.swept)
        let types = Dictionary(choices.map { ($0.matrix.name, $0) }, uniquingKeysWith: { first, _ in first })
        let cache = plan.output + "/cache"
        try ReportFile.makeDirectory(plan.output)
        try ReportFile.makeDirectory(cache)
        let importance = try SweepImatrix.obtain(plan: plan, setting: plan.imatrixSettings[point.imatrix], cache: cache, log: log)
        let ordered = file.tensors.sorted { WeightOrder.precedes($0.name, $1.name) }
        let tensors = ordered.map { tensor in
            let choice = types[tensor.name]
            return PlannedTensor(name: tensor.name, sourceType: tensor.type, shape: tensor.shape,
                                 targetType: choice?.used ?? tensor.type,
                                 fallbackFrom: choice.flatMap { $0.used == $0.requested ? nil : $0.requested })
        }
        let formulas = FormulaRules(default: point.formula.formula)
        var metadata = QuantizedMetadata.compose(
            input: file.metadata, fileTypeID: nil, overrides: [],
            importance: QuantizedMetadata.Importance(importance, path: importance.path), formulas: formulas)
        if formulas.isLlamaOnly { metadata.set("quantize.imx.formula", .string("llama")) }
        metadata.set("quantize.imx.sweep", .string("\(plan.config.name) \(variant) (fingerprint \(plan.fingerprint))"))
        return try ModelQuantizeRun.execute(tensors, metadata: metadata, file: file, importance: importance, formulas: formulas,
                                            threads: plan.threads, outputs: [output], log: log)
    }
}
