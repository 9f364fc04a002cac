import Foundation
import GGUF
import Model

/// A rough time estimate for `--dry-run`, from the model size, the texts and the machine's
/// cores (forward passes at about 25 GFLOP/s per core, quantization at about 15 M weights/s
/// per core); good to a factor of two.
enum SweepEstimate {
    static func describe(plan: SweepPlan, pending: Int) -> String {
        guard let file = try? GGUFFile(path: plan.config.model) else { return "estimated time: unknown" }
        let matrices = SweepPlan.matrices(of: file)
        let parameters = Double(matrices.reduce(0) { $0 + $1.inFeatures * $1.outFeatures * $1.experts })
        let quantized = Double(plan.recipe.choices(for: matrices, swept: plan.points.first?.swept)
            .reduce(0) { $0 + $1.matrix.elementCount })
        let cores = Double(plan.threads)
        func tokens(_ set: SweepConfig.TextSet) -> Double {
            let context = Double(set.context ?? 512)
            let bytes = set.texts.reduce(0.0) { $0 + Double((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
            let available = floor(bytes / 4 / context) * context
            return set.chunks.map { min(Double($0) * context, available) } ?? available
        }
        var evaluated = plan.endToEnd ? tokens(plan.config.evaluation) : 0
        if plan.calibrationEndToEnd { evaluated += tokens(plan.config.calibration) }
        let perPoint = quantized / (15e6 * cores) + evaluated * 2 * parameters / (25e9 * cores)
        let total = perPoint * Double(pending)
        return String(format: "estimated time: %.0f s per point, %.1f min for %d pending points (plus the imatrix and reference runs)",
                      perPoint, total / 60, pending)
    }
}
