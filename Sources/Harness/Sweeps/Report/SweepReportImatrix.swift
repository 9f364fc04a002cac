import Reports

/// The parts of `report.md` for a sweep with imatrix axes: the settings in the header, and per
/// type one table of every formula across the settings (each setting's own per-type table,
/// against its own baseline, is one of the type sections: `## Q4_K@context=2048`).
extension SweepReport {
    /// `- imatrix settings: `context=512` (cache/…), …`, or nil without axes.
    static func imatrixHeaderLine(_ description: SweepDescription) -> String? {
        guard let settings = description.imatrixSettings else { return nil }
        return "- imatrix settings (one imatrix each, computed once): "
            + settings.map { "\(MarkdownTable.code($0.label)) (\(MarkdownTable.code($0.file)))" }.joined(separator: ", ")
    }

    /// `## Across imatrix settings`: per swept type, formulas × settings, each cell the mean
    /// evaluation KLD (total wRMSE without end-to-end scores) and the verdict against the
    /// setting's own baseline; nil without axes.
    static func imatrixSection(_ grid: SweepGrid) -> String? {
        guard let settings = grid.description.imatrixSettings?.map(\.label), settings.count > 1 else { return nil }
        var types: [String] = []
        for record in grid.records {
            let type = baseType(record)
            if !types.contains(type) { types.append(type) }
        }
        let measure = grid.hasEvaluation ? "mean evaluation KLD" : "total wRMSE"
        var out = "## Across imatrix settings\n\nPer type, each formula's \(measure) under each imatrix setting; in brackets the verdict "
            + "against the same setting's \(MarkdownTable.code(grid.description.baseline)) (paired, 95% interval).\n"
        for type in types {
            var table = MarkdownTable(headers: ["formula"] + settings)
            for formula in grid.formulas {
                var row = [MarkdownTable.code(formula)]
                for setting in settings {
                    guard let record = grid.record(type: "\(type)@\(setting)", formula: formula) else {
                        row.append(absent)
                        continue
                    }
                    let value = grid.hasEvaluation ? record.evaluation.map { Formatting.significant($0.meanKLD, 4) } ?? absent
                        : Formatting.scientific(record.totalWeightedRMSE, 4)
                    let verdict = formula == grid.description.baseline ? "baseline" : record.evaluation?.paired?.verdict.rawValue
                    row.append(verdict.map { "\(value) (\($0))" } ?? value)
                }
                if row.dropFirst().contains(where: { $0 != absent }) { table.append(row) }
            }
            out += "\n### \(MarkdownTable.plain(type))\n\n" + table.render()
        }
        return out
    }

    /// A record's swept type without its imatrix setting (`Q4_K@context=2048` → `Q4_K`).
    static func baseType(_ record: SweepRecord) -> String {
        guard let setting = record.imatrix, record.type.hasSuffix("@" + setting) else { return record.type }
        return String(record.type.dropLast(setting.count + 1))
    }
}
