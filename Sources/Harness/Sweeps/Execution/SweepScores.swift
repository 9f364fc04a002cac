import Foundation
import Model

/// Turns evaluation statistics into record fields and progress lines.
enum SweepScores {
    static func endToEnd(_ statistics: DivergenceStatistics, basePerplexity: Double) -> SweepRecord.EndToEndScore {
        let divergence = statistics.meanDivergence
        return SweepRecord.EndToEndScore(
            tokens: statistics.count, perplexity: statistics.perplexity, basePerplexity: basePerplexity,
            meanKLD: divergence.mean, meanKLDUncertainty: divergence.uncertainty,
            medianKLD: statistics.divergencePercentile(0.5), p99KLD: statistics.divergencePercentile(0.99),
            maxKLD: statistics.divergencePercentile(1), topAgreement: statistics.sameTopFraction,
            rmsProbabilityChange: statistics.rmsProbabilityChange)
    }

    static func progressLine(_ record: SweepRecord, number: Int, of total: Int, seconds: Double) -> String {
        var line = "[\(number)/\(total)] \(record.variant): wRMSE \(String(format: "%.4e", record.totalWeightedRMSE))"
        if let evaluation = record.evaluation {
            line += String(format: ", KLD %.5f ± %.5f, top-1 %.2f%%, PPL %.4f", evaluation.meanKLD, evaluation.meanKLDUncertainty,
                           100 * evaluation.topAgreement, evaluation.perplexity)
            if let paired = evaluation.paired {
                line += ", ΔKLD \(SweepReport.pairedCell(paired)) \(paired.verdict.rawValue)"
            }
        }
        if let calibration = record.calibration { line += String(format: ", calib KLD %.5f", calibration.meanKLD) }
        return line + String(format: " (%.1f s)", seconds)
    }
}
