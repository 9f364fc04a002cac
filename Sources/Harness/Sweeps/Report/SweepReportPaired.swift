import Reports

/// The paired columns of `report.md`: each formula's per-token KLD difference from the
/// baseline on the same evaluation tokens, its 95% interval over chunks, and the verdict the
/// interval supports; the ★ goes only to a formula the intervals single out.
extension SweepReport {
    /// Whether any record of the grid was paired with its baseline on the evaluation text.
    static func hasPairing(_ grid: SweepGrid) -> Bool {
        grid.records.contains { $0.evaluation?.paired != nil }
    }

    /// `ΔKLD [low, high]` (or `ΔKLD ± SE` when there were too few chunks for an interval).
    static func pairedCell(_ paired: PairedScore?) -> String {
        guard let difference = paired?.kld else { return absent }
        let mean = signed(difference.mean)
        if let low = difference.low, let high = difference.high { return "\(mean) [\(signed(low)), \(signed(high))]" }
        if let error = difference.standardError { return "\(mean) ± \(Formatting.significant(error, 2))" }
        return mean
    }

    /// `better`, `worse`, `tie`, `baseline`, or absent when the record is not paired.
    static func verdictCell(_ record: SweepRecord, grid: SweepGrid) -> String {
        if record.formula == grid.description.baseline { return "baseline" }
        return record.evaluation?.paired.map { $0.verdict.rawValue } ?? absent
    }

    /// The formula of `type` that the paired intervals single out: the lowest mean KLD among
    /// those better than the baseline beyond their interval, or the baseline when every other
    /// formula is worse beyond its interval; nil when the intervals do not rank them.
    static func pairedBest(_ grid: SweepGrid, type: String) -> String? {
        let others = grid.records(type: type).filter { $0.formula != grid.description.baseline }
        let better = others.filter { $0.evaluation?.paired?.verdict == .better }
        if let best = better.min(by: { $0.evaluation!.meanKLD < $1.evaluation!.meanKLD }) { return best.formula }
        if !others.isEmpty, others.allSatisfy({ $0.evaluation?.paired?.verdict == .worse }), grid.baseline(type: type) != nil {
            return grid.description.baseline
        }
        return nil
    }

    /// The legend's sentences about the paired columns and the ★.
    static func pairedLegend(_ grid: SweepGrid, type: String, best: String?) -> [String] {
        let baseline = MarkdownTable.code(grid.description.baseline)
        var parts: [String] = []
        if !grid.records(type: type).contains(where: { $0.evaluation?.paired != nil }) {
            parts.append("No ★: no formula of this type is paired with \(baseline) yet (its grid point has no per-token scores here).")
        } else if let best {
            parts.append(best == grid.description.baseline
                ? "★ \(baseline): every other formula is worse beyond its 95% interval."
                : "★ \(MarkdownTable.code(best)): the lowest mean KLD among the formulas better than \(baseline) beyond their 95% interval.")
        } else {
            parts.append("No ★: no formula is better than \(baseline) beyond the 95% interval of its paired KLD difference"
                + " (and not every other one is worse), so none is ranked.")
        }
        parts.append("ΔKLD: mean per-token KLD difference from \(baseline) on the same evaluation tokens, with its 95% bootstrap interval over chunks "
            + "(± one standard error where there are fewer than \(PairedDifference.minimumChunks) chunks); better/worse only when the interval excludes 0.")
        return parts
    }

    private static func signed(_ value: Double) -> String {
        (value > 0 ? "+" : "") + Formatting.significant(value, 2)
    }
}
