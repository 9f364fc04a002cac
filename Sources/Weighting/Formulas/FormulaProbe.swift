import GGUF
import Quantization

/// Tries a formula on probe values before any tensor is quantized, so a formula whose weights
/// are not finite or are negative (`qw/0`, `log(-1)`, `sqrt(-qw)`, `-qw`, `1e999`) is refused
/// up front, naming the values, instead of failing a run after its first point.
///
/// The probes span what real tensors hold: importance 0 (a dead column) to 10⁴, weights of
/// either sign from 0 to 4, σ² small and large, with and without an imatrix, for a K-quant and
/// for Q6_K (where several formulas drop a factor).
public enum FormulaProbe {
    static let importances: [Float] = [0, 1e-4, 0.01, 1, 37.5, 1e4]
    static let weights: [Float] = [-4, -0.5, -1e-3, 0, 1e-3, 0.25, 4]
    static let sigmas: [Float] = [1e-6, 0.02, 2]

    /// Why `formula` cannot weight a quantization (a phrase: `gives -1 for qw = 1, x = 0, …`),
    /// or nil when every probe gives a finite weight of at least 0.
    public static func problem(_ formula: any WeightFormula) -> String? {
        let count = importances.count * weights.count
        var qw = [Float](), x = [Float]()
        for q in importances { for w in weights { qw.append(q); x.append(w) } }
        var out = [Float](repeating: 0, count: count)
        for hasImportance in formula.needsImportance ? [true] : [true, false] {
            for context in [FormulaContext(), FormulaContext(meanImportance: 0.02, tokenCount: 3), FormulaContext(meanImportance: 500, tokenCount: 1e6)] {
                guard let weighting = formula.weighting(context: context, hasImportance: hasImportance) else { continue }
                for type in [GGMLType.q4_K, .q6_K] {
                    for sigma2 in sigmas {
                        out.withUnsafeMutableBufferPointer { weightsOut in
                            x.withUnsafeBufferPointer { xs in
                                qw.withUnsafeBufferPointer { qws in
                                    weighting.fill(weightsOut.baseAddress!, x: xs.baseAddress!,
                                                   importance: hasImportance ? qws.baseAddress! : nil, count: count,
                                                   span: WeightSpan(type: type, sigma2: sigma2))
                                }
                            }
                        }
                        if let bad = out.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
                            let importance = hasImportance ? "qw = \(qw[bad])" : "no imatrix"
                            return "gives \(out[bad]) for \(importance), x = \(x[bad]), σ² = \(sigma2) (\(type.name), tensor mean importance \(context.meanImportance)): weights must be finite and at least 0"
                        }
                    }
                }
            }
        }
        return nil
    }
}
