import Foundation
import Reports
import Weighting

/// `imx sweep CONFIG --compare A,B`: two grid points compared token by token on every text
/// both were scored on, from the per-token scores in the sweep's cache; nothing is computed.
public enum SweepComparison {
    /// One text's comparison: `first − second`.
    public struct Row: Sendable {
        public var text: String
        public var tokens: Int
        public var firstKLD: Double
        public var secondKLD: Double
        public var score: PairedScore
    }

    /// The pieces of a `--compare` value between commas outside parentheses (formulas with
    /// commas stay whole); imatrix settings may hold commas too, so ``variants(_:plan:)`` joins
    /// them back into two grid points.
    public static func pieces(_ text: String) -> [String] {
        FormulaRegistry.splitList(text).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The two grid points of a `--compare` value: the one split at a comma outside parentheses
    /// whose halves are both grid points (else the first split, so the error names a point).
    public static func variants(_ text: String, plan: SweepPlan) -> (first: String, second: String) {
        let parts = pieces(text)
        let names = Set(plan.points.map(\.variant))
        let splits = (1..<max(2, parts.count)).map { cut in
            (parts[..<cut].joined(separator: ","), parts[cut...].joined(separator: ","))
        }
        return splits.first { names.contains($0.0) && names.contains($0.1) } ?? splits[0]
    }

    /// Compares `first` with `second` on each text both were scored on.
    /// - Throws: ``SweepConfigError`` for a name that is not a grid point, or a variant
    ///   without per-token scores.
    public static func compare(plan: SweepPlan, first: String, second: String) throws(SweepConfigError) -> [Row] {
        for name in [first, second] where !plan.points.contains(where: { $0.variant == name }) {
            throw SweepConfigError(file: plan.configPath, path: "--compare",
                                   message: "no grid point '\(name)' (points: \(plan.points.map(\.variant).joined(separator: ", ")))")
        }
        let cache = plan.output + "/cache"
        var rows: [Row] = []
        for text in PairedScores.texts {
            let firstPath = TokenScores.path(cache: cache, text: text, variant: first)
            let secondPath = TokenScores.path(cache: cache, text: text, variant: second)
            guard text == "evaluation" || (FileManager.default.fileExists(atPath: firstPath) && FileManager.default.fileExists(atPath: secondPath)) else {
                continue
            }
            let a = try TokenScores.read(path: firstPath), b = try TokenScores.read(path: secondPath)
            guard let score = PairedScore.between(a, b) else {
                throw SweepConfigError(file: firstPath, path: "tokens", message: "not scored on the same tokens as \(secondPath)")
            }
            func mean(_ values: [Float]) -> Double { values.reduce(0) { $0 + Double($1) } / Double(max(1, values.count)) }
            rows.append(Row(text: text, tokens: a.divergence.count, firstKLD: mean(a.divergence), secondKLD: mean(b.divergence), score: score))
        }
        return rows
    }

    /// The comparison as a text table with a one-line verdict per text.
    public static func render(_ rows: [Row], first: String, second: String) -> String {
        var table = TextTable(headers: ["text", "tokens", "chunks", "KLD \(first)", "KLD \(second)", "ΔKLD [95%]", "ΔNLL [95%]", "verdict"])
        for row in rows {
            table.append([row.text, String(row.tokens), String(row.score.kld.chunks), Formatting.significant(row.firstKLD, 5),
                          Formatting.significant(row.secondKLD, 5), interval(row.score.kld), interval(row.score.nll), row.score.verdict.rawValue])
        }
        var lines = [table.render(), "Δ = \(first) − \(second), per token on the same tokens; intervals are 95% bootstrap intervals over chunks."]
        for row in rows {
            let verdict: String
            switch row.score.verdict {
            case .better: verdict = "\(first) has lower KLD than \(second) beyond the 95% interval"
            case .worse: verdict = "\(first) has higher KLD than \(second) beyond the 95% interval"
            case .tie: verdict = row.score.kld.low == nil
                ? "too few chunks (\(row.score.kld.chunks), fewer than \(PairedDifference.minimumChunks)) to tell them apart"
                : "no difference beyond the 95% interval: a tie"
            }
            lines.append("\(row.text): \(verdict).")
        }
        return lines.joined(separator: "\n")
    }

    private static func interval(_ difference: PairedDifference) -> String {
        let mean = Formatting.significant(difference.mean, 3)
        guard let low = difference.low, let high = difference.high else {
            return difference.standardError.map { "\(mean) ± \(Formatting.significant($0, 2))" } ?? mean
        }
        return "\(mean) [\(Formatting.significant(low, 3)), \(Formatting.significant(high, 3))]"
    }
}
