import Reports
import Weighting

/// `summary.csv` and `experts.csv`: the records' numbers for other tools, one row per grid
/// point (resp. per expert matrix), numbers with six significant digits, empty cells where a
/// score was not computed. Wall times are left out.
extension SweepReport {
    /// The columns of `summary.csv`.
    static let summaryColumns: [String] = {
        let paired = ["kld_diff", "kld_diff_se", "kld_diff_low", "kld_diff_high", "nll_diff", "nll_diff_se", "nll_diff_low",
                      "nll_diff_high", "chunks", "verdict"]
        let scores = ["tokens", "ppl", "ppl_base", "kld_mean", "kld_uncertainty", "kld_median", "kld_p99", "kld_max", "top1", "rms_dp"] + paired
        return ["variant", "type", "formula", "family", "parameters", "tensors", "total_wrmse", "total_rel_wrmse", "total_rmse"]
            + scores.map { "eval_" + $0 } + scores.map { "calib_" + $0 }
    }()

    static func summaryCSV(_ grid: SweepGrid) -> String {
        var out = CSVText.record(summaryColumns)
        for record in grid.records {
            let parameters = record.parameters.keys.sorted().map { "\($0)=\(number(record.parameters[$0]!))" }
            out += CSVText.record(
                [record.variant, record.type, record.formula, record.family, parameters.joined(separator: ";"), String(record.tensors.count),
                 number(record.totalWeightedRMSE), number(record.totalRelativeWeightedError), number(record.totalRMSE)]
                    + scoreCells(record.evaluation) + scoreCells(record.calibration))
        }
        return out
    }

    static func expertCSV(_ grid: SweepGrid) -> String? {
        guard grid.records.contains(where: \.hasExperts) else { return nil }
        var out = CSVText.record(["variant", "tensor", "expert", "tokens", "rmse", "wrmse"])
        for record in grid.records {
            for tensor in record.tensors {
                for expert in tensor.experts ?? [] {
                    out += CSVText.record([record.variant, tensor.name, String(expert.expert), number(expert.tokens),
                                           number(expert.totals.rmse), number(expert.totals.weightedRMSE)])
                }
            }
        }
        return out
    }

    /// The twenty cells of one text's scores, all empty when it was not scored; the ten paired
    /// ones (differences from the baseline, variant − baseline) empty when it was not paired.
    private static func scoreCells(_ score: SweepRecord.EndToEndScore?) -> [String] {
        guard let score else { return Array(repeating: "", count: 20) }
        return [String(score.tokens), number(score.perplexity), number(score.basePerplexity), number(score.meanKLD),
                number(score.meanKLDUncertainty), number(score.medianKLD), number(score.p99KLD), number(score.maxKLD),
                number(score.topAgreement), number(score.rmsProbabilityChange)] + pairedCells(score.paired)
    }

    private static func pairedCells(_ paired: PairedScore?) -> [String] {
        guard let paired else { return Array(repeating: "", count: 10) }
        func cells(_ difference: PairedDifference) -> [String] {
            [number(difference.mean), difference.standardError.map(number) ?? "", difference.low.map(number) ?? "",
             difference.high.map(number) ?? ""]
        }
        return cells(paired.kld) + cells(paired.nll) + [String(paired.kld.chunks), paired.verdict.rawValue]
    }

    private static func number(_ value: Double) -> String { Formatting.significant(value, 6) }
}
