import Reports

/// The top of `report.md`: what was swept on what, the base model's perplexities and how
/// complete the grid is.
extension SweepReport {
    static func header(_ grid: SweepGrid) -> String {
        let description = grid.description
        var lines = ["# " + MarkdownTable.plain(description.name), ""]
        lines.append("- model: \(MarkdownTable.code(description.model))")
        lines.append("- calibration text: \(textList(description.calibrationTexts))"
            + basePerplexity(grid.records.compactMap(\.calibration)))
        lines.append("- evaluation text: \(textList(description.evaluationTexts))"
            + basePerplexity(grid.records.compactMap(\.evaluation)))
        if description.recipe.isEmpty {
            lines.append("- recipe: none (every tensor gets the swept type)")
        } else {
            lines.append("- recipe:")
            lines += description.recipe.map { "  - \(MarkdownTable.code($0))" }
        }
        if let settings = imatrixHeaderLine(description) { lines.append(settings) }
        lines.append("- baseline formula (rel. = 1.00): \(MarkdownTable.code(description.baseline))")
        lines.append("- grid points recorded: \(grid.records.count) of \(description.gridSize)")
        if !grid.missingVariants.isEmpty {
            lines.append("- missing: " + grid.missingVariants.map(MarkdownTable.code).joined(separator: ", "))
        }
        let fingerprints = orderedUnique(grid.records.map(\.fingerprint))
        if fingerprints.count > 1 {
            lines.append("- warning: the records come from \(fingerprints.count) different settings (fingerprints "
                + fingerprints.map(MarkdownTable.code).joined(separator: ", ") + "); their numbers are not comparable")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The texts as code spans, or "none".
    private static func textList(_ texts: [String]) -> String {
        texts.isEmpty ? "none" : texts.map(MarkdownTable.code).joined(separator: ", ")
    }

    /// `; base model PPL 12.3456 over 4,096 tokens`, from the scores of that text (every record
    /// scores the same text, so the base values agree; differing ones are all listed).
    private static func basePerplexity(_ scores: [SweepRecord.EndToEndScore]) -> String {
        guard !scores.isEmpty else { return "" }
        let perplexities = orderedUnique(scores.map { Formatting.fixed($0.basePerplexity, 4) })
        let tokens = orderedUnique(scores.map { Formatting.grouped($0.tokens) })
        return "; base model PPL \(perplexities.joined(separator: " / ")) over \(tokens.joined(separator: " / ")) tokens"
    }

    /// The distinct values in order of first appearance.
    static func orderedUnique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
