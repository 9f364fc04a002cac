import Reports

/// The per-type tables of `report.md`: every formula against the baseline on end-to-end KLD,
/// perplexity and pooled weighted RMSE, the best formula marked, and fallback types noted.
extension SweepReport {
    static let absent = "—"

    static func typeSection(_ grid: SweepGrid, type: String) -> String {
        var out = "## \(MarkdownTable.plain(type))\n\n"
        guard !grid.records(type: type).isEmpty else { return out + "No grid point of this type has been recorded yet.\n" }
        let baseline = grid.baseline(type: type)
        let paired = hasPairing(grid)
        let best = bestFormula(grid, type: type)
        var headers = ["formula"]
        if grid.hasEvaluation { headers += ["KLD eval", "rel. KLD"] }
        if paired { headers += ["ΔKLD vs \(grid.description.baseline) [95%]", "verdict"] }
        if grid.hasEvaluation { headers += ["p99 KLD", "top-1", "PPL eval"] }
        if grid.hasCalibration { headers += ["KLD calib", "rel."] }
        if grid.hasEvaluation && grid.hasCalibration { headers.append("calib÷eval KLD") }
        headers += ["total wRMSE", "rel. wRMSE"]
        var table = MarkdownTable(headers: headers)
        for formula in grid.formulas {
            guard let record = grid.record(type: type, formula: formula) else {
                if grid.description.formulas.contains(formula) {
                    table.append([MarkdownTable.code(formula) + " (missing)"] + Array(repeating: absent, count: headers.count - 1))
                }
                continue
            }
            let name = MarkdownTable.code(formula)
            var row = [formula == best ? "**\(name)** ★" : name]
            if grid.hasEvaluation {
                let score = record.evaluation
                row.append(score.map { "\(Formatting.significant($0.meanKLD, 4)) ± \(Formatting.significant($0.meanKLDUncertainty, 2))" } ?? absent)
                row.append(ratio(score?.meanKLD, baseline?.evaluation?.meanKLD))
                if paired {
                    row.append(record.formula == grid.description.baseline ? absent : pairedCell(score?.paired))
                    row.append(verdictCell(record, grid: grid))
                }
                row.append(score.map { Formatting.significant($0.p99KLD, 4) } ?? absent)
                row.append(score.map { Formatting.percent($0.topAgreement, 2) } ?? absent)
                row.append(score.map { Formatting.fixed($0.perplexity, 4) } ?? absent)
            }
            if grid.hasCalibration {
                row.append(record.calibration.map { Formatting.significant($0.meanKLD, 4) } ?? absent)
                row.append(ratio(record.calibration?.meanKLD, baseline?.calibration?.meanKLD))
            }
            if grid.hasEvaluation && grid.hasCalibration {
                row.append(ratio(record.calibration?.meanKLD, record.evaluation?.meanKLD))
            }
            row.append(Formatting.scientific(record.totalWeightedRMSE, 4))
            row.append(ratio(record.totalWeightedRMSE, baseline?.totalWeightedRMSE))
            table.append(row)
        }
        out += table.render()
        out += "\n" + legend(grid, type: type, best: best) + "\n"
        if let fallbacks = fallbackNote(grid.records(type: type)) { out += "\n" + fallbacks + "\n" }
        return out
    }

    /// The formula of `type` the paired intervals single out (``pairedBest(_:type:)``) when the
    /// records are paired; otherwise the lowest mean evaluation KLD, or (when no record of the
    /// type has one) the lowest total weighted RMSE; ties go to the earlier formula.
    static func bestFormula(_ grid: SweepGrid, type: String) -> String? {
        if hasPairing(grid) { return pairedBest(grid, type: type) }
        let records = grid.records(type: type)
        let scored = records.compactMap { record in record.evaluation.map { (record.formula, $0.meanKLD) } }
        let candidates = scored.isEmpty ? records.map { ($0.formula, $0.totalWeightedRMSE) } : scored
        var best: (String, Double)?
        for candidate in candidates where candidate.1.isFinite && candidate.1 < (best?.1 ?? .infinity) { best = candidate }
        return best?.0
    }

    /// `value ÷ base` with two decimals; absent when either is missing or the base is not positive.
    static func ratio(_ value: Double?, _ base: Double?) -> String {
        guard let value, let base, base > 0, value.isFinite else { return absent }
        return Formatting.fixed(value / base, 2)
    }

    /// What the columns mean, under a table.
    private static func legend(_ grid: SweepGrid, type: String, best: String?) -> String {
        var parts: [String] = []
        if hasPairing(grid) {
            parts += pairedLegend(grid, type: type, best: best)
        } else if let best {
            let reason = grid.hasEvaluation ? "lowest mean KLD on the evaluation text" : "lowest total wRMSE"
            parts.append("★ \(MarkdownTable.code(best)): \(reason).")
        }
        parts.append("rel. = ÷ \(MarkdownTable.code(grid.description.baseline))'s value.")
        if grid.hasEvaluation && grid.hasCalibration {
            parts.append("calib÷eval KLD well below 1 means the imatrix fits its calibration text better than new text.")
        }
        parts.append("total wRMSE: parameter-weighted RMS of the per-tensor importance-weighted RMSE.")
        return parts.joined(separator: " ")
    }

    /// `Fallback: 2 tensors (ffn_gate, ffn_up) → Q5_0 instead of Q4_K …`, or nil when every
    /// tensor got the requested type.
    static func fallbackNote(_ records: [SweepRecord]) -> String? {
        var groups: [(requested: String, used: String, tensors: [String])] = []
        for record in records {
            for tensor in record.fallbackTensors {
                if let index = groups.firstIndex(where: { $0.requested == tensor.requestedType && $0.used == tensor.type }) {
                    if !groups[index].tensors.contains(tensor.name) { groups[index].tensors.append(tensor.name) }
                } else {
                    groups.append((tensor.requestedType, tensor.type, [tensor.name]))
                }
            }
        }
        guard !groups.isEmpty else { return nil }
        let parts = groups.map { group in
            let kinds = orderedUnique(group.tensors.map(tensorKind)).joined(separator: ", ")
            let count = group.tensors.count == 1 ? "1 tensor" : "\(group.tensors.count) tensors"
            return "\(count) (\(kinds)) → \(group.used) instead of \(group.requested)"
        }
        return "Fallback: " + parts.joined(separator: "; ")
            + " (llama-quantize's fallback: their row length is not a multiple of the requested type's block size)."
    }

    /// `blk.3.ffn_up.weight` → `ffn_up`.
    static func tensorKind(_ name: String) -> String {
        var parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.count > 2, parts[0] == "blk", Int(parts[1]) != nil { parts.removeFirst(2) }
        if parts.count > 1, parts.last == "weight" { parts.removeLast() }
        return parts.joined(separator: ".")
    }
}
