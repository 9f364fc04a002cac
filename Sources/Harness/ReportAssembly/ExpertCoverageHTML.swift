import Foundation
import IMatrix
import Reports

/// The HTML report of `imx experts --html`: per tensor family a layer × expert heat map of
/// token counts (zero-token experts crossed out, hover titles with layer, expert and count),
/// then the per-tensor and policy tables and the notes.
public enum ExpertCoverageHTML {
    /// The page.
    public static func render(_ coverage: ExpertCoverage) -> String {
        var page = HTMLPage(title: "Expert coverage: \(coverage.source)")
        page.heading("Expert coverage", level: 1)
        page.paragraph(ExpertCoverageText.headline(coverage).replacingOccurrences(of: "\n", with: " — "))
        if !coverage.tensors.isEmpty {
            page.heading("Tokens per layer and expert")
            for family in Set(coverage.tensors.map(\.family)).sorted(by: ImatrixCollection.byteOrder) {
                let tensors = coverage.tensors.filter { $0.family == family }
                guard let map = heatMap(family: family, tensors: tensors) else {
                    page.paragraph("\(family): the expert count is unknown (legacy data without -m MODEL), no map", className: "note")
                    continue
                }
                page.figure(map.svg(), className: "heatmap", attributes: ["data-family": family])
            }
            page.heading("Expert tensors")
            page.table(headers: ["layer", "tensor", "experts", "zero-token ids", "low (<\(coverage.minimumTokens)) ids",
                                 "likely unused ids", "min", "median", "max", "routed"],
                       rows: coverage.tensors.map(row))
            let policies = coverage.tensors.first(where: \.isCounted)?.policies.map(\.policy) ?? []
            if !policies.isEmpty {
                page.heading("Partial-data policies")
                page.table(headers: ["tensor", "missing"] + policies, rows: coverage.tensors.filter(\.isCounted).map { tensor in
                    [HTMLPage.Cell(tensor.name), HTMLPage.Cell(ExpertCoverageText.ids(tensor.zeroTokenExperts), isHighlighted: !tensor.zeroTokenExperts.isEmpty)]
                        + tensor.policies.map { HTMLPage.Cell($0.outcome, isHighlighted: !$0.written) }
                })
            }
        }
        var notes = coverage.notes
        notes.insert(contentsOf: ExpertCoverageText.uncoveredLines(coverage.uncoveredWeights), at: 0)
        if !coverage.notInModel.isEmpty {
            notes.append("imatrix entries that are not tensors of the model: " + coverage.notInModel.joined(separator: ", "))
        }
        if !notes.isEmpty {
            page.heading("Notes")
            page.list(notes)
        }
        return page.render()
    }

    /// Rows = layers, columns = experts; nil when no tensor of the family knows its expert count.
    static func heatMap(family: String, tensors: [ExpertTensorCoverage]) -> HeatMap? {
        let known = tensors.filter { $0.experts != nil }
        guard let experts = known.compactMap(\.experts).max() else { return nil }
        let cells: [[HeatMap.Cell]] = known.map { tensor in
            (0..<(tensor.experts ?? 0)).map { expert in
                let place = "layer \(tensor.layer) · expert \(expert)"
                if let counts = tensor.tokensPerExpert {
                    let count = counts[expert]
                    return HeatMap.Cell(value: Double(count), tooltip: "\(place) · \(count) token\(count == 1 ? "" : "s")", marked: count == 0)
                }
                let unused = tensor.likelyUnusedExperts?.contains(expert) ?? false
                return HeatMap.Cell(value: nil, tooltip: "\(place) · count not stored" + (unused ? " · likely unused (filled with importance 1 by the writer)" : ""),
                                    marked: unused)
            }
        }
        return HeatMap(title: family, rowAxis: "layer", columnAxis: "expert", rowLabels: known.map { "\($0.layer)" },
                       columnLabels: (0..<experts).map(String.init), cells: cells,
                       markedMeaning: known.allSatisfy(\.isCounted) ? "no tokens" : "likely unused")
    }

    static func row(_ tensor: ExpertTensorCoverage) -> [HTMLPage.Cell] {
        [HTMLPage.Cell("\(tensor.layer)", isNumber: true), HTMLPage.Cell(tensor.family),
         HTMLPage.Cell(tensor.experts.map(String.init) ?? "?", isNumber: true),
         HTMLPage.Cell(tensor.isCounted ? ExpertCoverageText.ids(tensor.zeroTokenExperts) : "not recoverable", isHighlighted: !tensor.zeroTokenExperts.isEmpty),
         HTMLPage.Cell(tensor.isCounted ? ExpertCoverageText.ids(tensor.lowTokenExperts) : "-"),
         HTMLPage.Cell(tensor.likelyUnusedExperts.map(ExpertCoverageText.ids) ?? "-", isHighlighted: !(tensor.likelyUnusedExperts ?? []).isEmpty),
         HTMLPage.Cell(tensor.minimumTokens.map { "\($0)" } ?? "?", isNumber: true),
         HTMLPage.Cell(ExpertCoverageText.median(tensor.medianTokens), isNumber: true),
         HTMLPage.Cell(tensor.maximumTokens.map { "\($0)" } ?? "?", isNumber: true),
         HTMLPage.Cell(tensor.routedTokens.map { "\($0)" } ?? "?", isNumber: true)]
    }
}
