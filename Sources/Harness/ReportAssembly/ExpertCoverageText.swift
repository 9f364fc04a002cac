import Foundation
import IMatrix
import Reports

/// Renders an ``ExpertCoverage`` for the terminal: a headline, a compact table per expert
/// tensor, the partial-data policy table, and notes. ``summary(_:)`` is the short form
/// `imx compute` prints after a run on an MoE model.
public enum ExpertCoverageText {
    /// The full report.
    public static func render(_ coverage: ExpertCoverage) -> String {
        var sections = [headline(coverage)]
        let counted = coverage.tensors.filter(\.isCounted)
        let uncounted = coverage.tensors.filter { !$0.isCounted }
        if !counted.isEmpty { sections.append(countTable(counted, minimumTokens: coverage.minimumTokens)) }
        if !uncounted.isEmpty { sections.append(legacyTable(uncounted)) }
        if !counted.isEmpty { sections.append(policyTable(counted)) }
        var lists: [String] = []
        lists += uncoveredLines(coverage.uncoveredWeights)
        if !coverage.notInModel.isEmpty {
            lists.append("imatrix entries that are not tensors of the model (\(coverage.notInModel.count)): "
                         + coverage.notInModel.joined(separator: ", "))
        }
        lists += coverage.notes.map { "note: " + $0 }
        if !lists.isEmpty { sections.append(lists.joined(separator: "\n")) }
        return sections.joined(separator: "\n\n")
    }

    /// The model's weights without imatrix data, one line per (consequence, reason) group:
    /// `no data for N weights[ (REASON)]; CONSEQUENCE: names`.
    static func uncoveredLines(_ weights: [UncoveredWeight]) -> [String] {
        var groups: [(key: String, names: [String])] = []
        for weight in weights {
            let key = (weight.reason.map { " (\($0))" } ?? "") + "; " + weight.consequence
            if let index = groups.firstIndex(where: { $0.key == key }) {
                groups[index].names.append(weight.name)
            } else {
                groups.append((key, [weight.name]))
            }
        }
        return groups.map { "no data for \($0.names.count) weight\($0.names.count == 1 ? "" : "s") of the model\($0.key): "
            + $0.names.joined(separator: ", ") }
    }

    /// Two or three lines: what the expert tensors look like, the zero-token experts by layer.
    public static func summary(_ coverage: ExpertCoverage) -> String {
        var lines = [headline(coverage)]
        var byLayer: [Int: Set<Int>] = [:]
        for tensor in coverage.tensors { byLayer[tensor.layer, default: []].formUnion(tensor.zeroTokenExperts) }
        let listed = byLayer.keys.sorted().filter { !byLayer[$0]!.isEmpty }
            .map { "blk.\($0): " + byLayer[$0]!.sorted().map(String.init).joined(separator: ",") }
        if !listed.isEmpty { lines.append("zero-token experts by layer: " + listed.joined(separator: "; ")) }
        return lines.joined(separator: "\n")
    }

    /// `expert coverage: FILE (FORMAT)` and the summary counts.
    static func headline(_ coverage: ExpertCoverage) -> String {
        let kind: String
        switch coverage.format {
        case "gguf": kind = coverage.countsRecoverable ? "GGUF imatrix, per-expert token counts" : "GGUF imatrix, some counts not recoverable"
        case "dat": kind = "legacy imatrix.dat, per-expert counts not recoverable"
        default: kind = "per-expert token counts"
        }
        var text = "expert coverage: \(coverage.source) (\(kind))"
        if let model = coverage.model { text += ", checked against \(model)" }
        let s = coverage.summary
        guard s.expertTensors > 0 else { return text + "\nno expert tensors: this imatrix has only dense tensors" }
        text += "\n\(s.moeLayers) MoE layer\(s.moeLayers == 1 ? "" : "s"), \(s.expertTensors) expert tensors"
        if coverage.tensors.contains(where: \.isCounted) {
            text += "; \(s.zeroTokenExperts) expert\(s.zeroTokenExperts == 1 ? "" : "s") (layer × id) without tokens"
                + " in \(s.tensorsWithMissingExperts) tensor\(s.tensorsWithMissingExperts == 1 ? "" : "s")"
                + "; \(s.lowTokenExperts) below \(coverage.minimumTokens) tokens"
        }
        if coverage.tensors.contains(where: { $0.likelyUnusedExperts != nil }) {
            text += "; \(s.likelyUnusedExperts) likely unused (filled with importance 1 by the writer)"
        }
        if let seen = s.tokensSeen, let needed = s.tokensForMinimum {
            text += "\n\(Formatting.grouped(Int(seen))) tokens seen; at the routing rates seen so far about "
                + "\(Formatting.grouped(Int(needed))) tokens (\(Formatting.fixed(Double(needed) / Double(max(1, seen)), 1))×) would give "
                + "every expert that got tokens at least \(coverage.minimumTokens); experts with none give no rate to extrapolate"
        } else if let seen = s.tokensSeen, s.expertTensors > 0, coverage.tensors.contains(where: \.isCounted) {
            text += "\n\(Formatting.grouped(Int(seen))) tokens seen; every expert that got tokens has at least \(coverage.minimumTokens)"
        }
        return text
    }

    static func ids(_ values: [Int]) -> String { values.isEmpty ? "-" : values.map(String.init).joined(separator: ",") }

    static func median(_ value: Double?) -> String {
        guard let value else { return "?" }
        return value == value.rounded() ? String(Int64(value)) : String(format: "%.1f", value)
    }

    static func countTable(_ tensors: [ExpertTensorCoverage], minimumTokens: Int) -> String {
        var table = TextTable(headers: ["layer", "tensor", "experts", "zero-token ids", "low (<\(minimumTokens)) ids",
                                        "min", "median", "max", "routed"],
                              alignments: [.right, .left, .right, .left, .left, .right, .right, .right, .right])
        for tensor in tensors {
            table.append(["\(tensor.layer)", tensor.family, tensor.experts.map(String.init) ?? "?", ids(tensor.zeroTokenExperts),
                          ids(tensor.lowTokenExperts), tensor.minimumTokens.map { "\($0)" } ?? "?", median(tensor.medianTokens),
                          tensor.maximumTokens.map { "\($0)" } ?? "?", tensor.routedTokens.map { Formatting.grouped(Int($0)) } ?? "?"])
        }
        return table.render()
    }

    static func legacyTable(_ tensors: [ExpertTensorCoverage]) -> String {
        var table = TextTable(headers: ["layer", "tensor", "experts", "token counts", "likely unused ids (writer's fill)"],
                              alignments: [.right, .left, .right, .left, .left])
        for tensor in tensors {
            table.append(["\(tensor.layer)", tensor.family, tensor.experts.map(String.init) ?? "?", "not recoverable",
                          tensor.likelyUnusedExperts.map(ids) ?? "unknown (no -m)"])
        }
        return table.render()
    }

    static func policyTable(_ tensors: [ExpertTensorCoverage]) -> String {
        let partial = tensors.filter { !$0.zeroTokenExperts.isEmpty }
        let policies = tensors.first?.policies.map(\.policy) ?? []
        var text = "partial-data policies (--partial-data):"
        if partial.isEmpty {
            return text + " no expert is missing tokens; every policy writes the tensors as collected"
                + (policies.contains { $0.hasPrefix("prior") } ? " (prior adds its pseudo-tokens)" : "")
        }
        var table = TextTable(headers: ["tensor", "missing"] + policies, alignments: [.left, .left] + policies.map { _ in .left })
        for tensor in partial { table.append([tensor.name, ids(tensor.zeroTokenExperts)] + tensor.policies.map(\.brief)) }
        text += "\n" + table.render()
        let others = tensors.count - partial.count
        if others > 0 {
            text += "\nthe other \(others) expert tensor\(others == 1 ? " is" : "s are") written as collected by every policy except prior, which adds its pseudo-tokens"
        }
        if let experts = partial.first?.experts {
            let tolerance = PartialDataPolicy.ikTolerance(experts: experts)
            text += tolerance == 0
                ? "\nik: round(0.05 × \(experts)) = 0, so ik skips every tensor of \(experts) experts that has a missing expert"
                : "\nik: stores a tensor of \(experts) experts only with at most \(tolerance - 1) missing (fewer than round(0.05 × \(experts)) = \(tolerance))"
        }
        return text
    }
}

extension ExpertCoverage {
    /// The full terminal report (``ExpertCoverageText/render(_:)``).
    public var text: String { ExpertCoverageText.render(self) }
    /// The short end-of-run form (``ExpertCoverageText/summary(_:)``).
    public var summaryText: String { ExpertCoverageText.summary(self) }
}
