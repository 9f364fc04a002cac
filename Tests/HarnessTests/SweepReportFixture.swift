import Harness
import Weighting

/// A synthetic sweep: 2 types × 3 formulas (llama and a lognormal λ family), one grid point
/// missing, one tensor falling back to another type under Q4_K, and one MoE tensor whose four
/// experts saw 0, 5, 50 and 500 calibration tokens.
enum SweepReportFixture {
    static let types = ["Q4_K", "Q6_K"]
    static let formulas = ["llama", "lognormal(lambda=0.5)", "lognormal(lambda=1)"]
    static let description = SweepDescription(
        name: "demo <sweep>", model: "models/tiny-moe.gguf", calibrationTexts: ["corpora/calib.txt"],
        evaluationTexts: ["corpora/eval.txt"], types: types, formulas: formulas, baseline: "llama",
        recipe: ["ffn_.* → TYPE", "attn_.* → TYPE"], gridSize: 6)

    /// Mean evaluation KLD per type and formula (Q4_K: lognormal λ=0.5 is best; Q6_K: llama).
    static let evaluationKLD: [String: [Double]] = ["Q4_K": [0.05, 0.04, 0.06], "Q6_K": [0.01, 0.012, 0.02]]
    /// The dense tensors' weighted RMSE per type, scaled per formula.
    static let baseWRMSE: [String: Double] = ["Q4_K": 0.02, "Q6_K": 0.005]
    static let formulaFactor = [1.0, 0.9, 0.95]
    /// The zero-token expert's weighted RMSE as a multiple of the type's base, per formula.
    static let zeroTokenFactor = [4.0, 1.6, 2.0]
    static let denseElements = 4096, fallbackElements = 2560, expertElements = 1024

    /// Totals with the given element count, RMSE and weighted RMSE (importance 1 per element,
    /// signal 1 per element, so the relative weighted error equals the weighted RMSE).
    static func totals(elements: Int, rmse: Double, wrmse: Double) -> ErrorTotals {
        var totals = ErrorTotals()
        totals.elements = elements
        totals.squaredError = rmse * rmse * Double(elements)
        totals.weightedSquaredError = wrmse * wrmse * Double(elements)
        totals.importanceSum = Double(elements)
        totals.weightedSignal = Double(elements)
        totals.maxAbsError = 3 * rmse
        return totals
    }

    static let expertTokens: [Double] = [0, 5, 50, 500]

    /// The weighted RMSE of each expert of the MoE tensor.
    static func expertWRMSE(type: String, formula: Int) -> [Double] {
        let base = baseWRMSE[type]!
        return expertTokens.map { $0 == 0 ? base * zeroTokenFactor[formula] : base * formulaFactor[formula] }
    }

    static func record(type: Int, formula: Int, withEndToEnd: Bool = true, seconds: Double = 1) -> SweepRecord {
        let typeName = types[type], formulaName = formulas[formula]
        let wrmse = baseWRMSE[typeName]! * formulaFactor[formula]
        let experts = zip(expertTokens.indices, expertWRMSE(type: typeName, formula: formula)).map { index, value in
            SweepRecord.ExpertScore(expert: index, tokens: expertTokens[index],
                                    totals: totals(elements: expertElements, rmse: value / 2, wrmse: value))
        }
        var moeTotals = ErrorTotals()
        for expert in experts { moeTotals.add(expert.totals) }
        let tensors = [
            SweepRecord.TensorScore(name: "blk.0.attn_q.weight", layer: 0, requestedType: typeName, type: typeName, sourceType: "BF16",
                                    totals: totals(elements: denseElements, rmse: wrmse / 2, wrmse: wrmse), experts: nil),
            SweepRecord.TensorScore(name: "blk.0.ffn_up.weight", layer: 0, requestedType: typeName,
                                    type: typeName == "Q4_K" ? "Q5_0" : typeName, sourceType: "BF16",
                                    totals: totals(elements: fallbackElements, rmse: wrmse / 3, wrmse: wrmse * 0.8), experts: nil),
            SweepRecord.TensorScore(name: "blk.1.ffn_up_exps.weight", layer: 1, requestedType: typeName, type: typeName, sourceType: "BF16",
                                    totals: moeTotals, experts: experts),
        ]
        let kld = evaluationKLD[typeName]![formula]
        func score(_ kld: Double, base: Double) -> SweepRecord.EndToEndScore {
            SweepRecord.EndToEndScore(tokens: 1000, perplexity: base * (1 + kld), basePerplexity: base, meanKLD: kld,
                                      meanKLDUncertainty: kld / 20, medianKLD: kld / 3, p99KLD: kld * 8, maxKLD: kld * 40,
                                      topAgreement: 1 - kld, rmsProbabilityChange: kld / 4)
        }
        let parameters: [String: Double] = formula == 0 ? [:] : ["lambda": formula == 1 ? 0.5 : 1]
        return SweepRecord(fingerprint: "f00d", index: type * formulas.count + formula, variant: "\(typeName)/\(formulaName)",
                           type: typeName, formula: formulaName, family: formula == 0 ? "llama" : "lognormal", parameters: parameters,
                           tensors: tensors, evaluation: withEndToEnd ? score(kld, base: 10.5) : nil,
                           calibration: withEndToEnd ? score(kld * 0.9, base: 9.25) : nil,
                           seconds: .init(quantization: seconds, evaluation: seconds * 2, calibration: seconds * 3))
    }

    /// Every grid point except Q6_K/lognormal(lambda=1), in grid order.
    static func records(withEndToEnd: Bool = true, seconds: Double = 1) -> [SweepRecord] {
        (0..<6).filter { $0 != 5 }.map { record(type: $0 / 3, formula: $0 % 3, withEndToEnd: withEndToEnd, seconds: seconds) }
    }
}
