import Foundation
import Reports
import Weighting

/// The HTML report of `imx diagnose`: the run, the findings, a table per module family and per
/// tensor, and every figure of ``DiagnosisFigures/all(_:)`` inline. Self-contained, well-formed XML.
public enum DiagnosisHTML {
    /// The page.
    public static func page(_ result: DiagnosisResult) -> String {
        var page = HTMLPage(title: "Diagnosis: \(result.model)")
        page.heading("Diagnosis: \(result.model)", level: 1)
        page.paragraph(runLine(result))
        page.heading("Findings")
        if result.findings.isEmpty {
            page.paragraph("no findings", className: "note")
        } else {
            page.list(result.findings)
        }
        page.heading("Module families")
        if result.families.isEmpty {
            page.paragraph("no module families", className: "note")
        } else {
            page.table(headers: familyHeaders(result), rows: result.families.sorted { $0.family < $1.family }.map { familyRow($0, result) })
        }
        page.heading("Tensors")
        if result.tensors.isEmpty {
            page.paragraph("no tensors matched \(result.tensorPattern)", className: "note")
        } else {
            page.table(headers: tensorHeaders(result), rows: result.tensors.map { tensorRow($0, result) })
        }
        page.heading("Figures")
        for figure in DiagnosisFigures.all(result) {
            page.figure(figure.svg, className: "diagnosis-figure", attributes: ["data-file": figure.fileName])
        }
        return page.render()
    }

    /// Model, text, tokens, bits, group size, sample rows, tensor pattern and formula in one line.
    static func runLine(_ result: DiagnosisResult) -> String {
        var parts = ["model \(result.model)", "text \(result.text)",
                     "\(Formatting.grouped(result.tokens)) tokens (\(result.chunks) chunks of \(result.contextLength))",
                     "bits \(result.bits.map(String.init).joined(separator: ", "))", "group size \(result.groupSize)",
                     result.sampleRows > 0 ? "\(result.sampleRows) sampled rows per tensor" : "no sampled rows (no scale search)",
                     "tensors \(result.tensorPattern)"]
        if let formula = result.formula { parts.append("formula \(formula)") }
        return parts.joined(separator: " · ")
    }

    static func familyHeaders(_ result: DiagnosisResult) -> [String] {
        ["family", "tensors", "top-1% power share", "saliency top-1%", "outlier columns"]
            + result.bits.map { "rel. error \($0)-bit" }
            + result.bits.flatMap { ["best α / reduction \($0)-bit", "ggml llama / \(DiagnosisFigures.formulaLabel(result.formula)) \($0)-bit"] }
    }

    static func familyRow(_ family: FamilySummary, _ result: DiagnosisResult) -> [HTMLPage.Cell] {
        var row: [HTMLPage.Cell] = [HTMLPage.Cell(family.family.rawValue), number("\(family.tensors)"),
                                    number(Formatting.percent(family.meanTop1PercentPowerShare, 1)),
                                    number(Formatting.percent(family.meanSaliencyTop1PercentShare, 1)),
                                    number(Formatting.fixed(family.meanOutlierColumns, 1))]
        row += result.bits.indices.map { number($0 < family.meanRelativeError.count ? error(family.meanRelativeError[$0]) : "-") }
        for bits in result.bits {
            guard let search = family.scaleSearch.first(where: { $0.bits == bits }) else {
                row += [number("-"), number("-")]
                continue
            }
            row.append(number("\(Formatting.fixed(search.meanBestAlpha, 2)) / \(Formatting.fixed(search.meanReduction, 2))×"))
            row.append(number("\(search.meanGGMLLlamaError.map(error) ?? "-") / \(search.meanGGMLFormulaError.map(error) ?? "-")"))
        }
        return row
    }

    static func tensorHeaders(_ result: DiagnosisResult) -> [String] {
        ["tensor", "family", "top-1% power share", "outlier columns", "activation kurtosis", "weight kurtosis", "saliency top-1%"]
            + result.bits.map { "rel. error \($0)-bit" }
            + result.bits.flatMap { ["best α / reduction \($0)-bit", "ggml llama / \(DiagnosisFigures.formulaLabel(result.formula)) \($0)-bit"] }
    }

    static func tensorRow(_ tensor: TensorDiagnosis, _ result: DiagnosisResult) -> [HTMLPage.Cell] {
        var row: [HTMLPage.Cell] = [HTMLPage.Cell(tensor.name), HTMLPage.Cell(tensor.family.rawValue),
                                    number(Formatting.percent(tensor.activations.top1PercentPowerShare, 1)),
                                    number("\(tensor.activations.outlierColumns.count)"),
                                    number(Formatting.fixed(tensor.activations.excessKurtosis, 1)),
                                    number(Formatting.fixed(tensor.weights.excessKurtosis, 1)),
                                    number(Formatting.percent(tensor.saliency.top1PercentShare, 1))]
        row += result.bits.map { bits in number(tensor.decomposition.first { $0.bits == bits }.map { error($0.relativeError) } ?? "-") }
        for bits in result.bits {
            guard let search = tensor.scaleSearch.first(where: { $0.bits == bits }) else {
                row += [number("-"), number("-")]
                continue
            }
            row.append(number("\(Formatting.fixed(search.bestAlpha, 2)) / \(Formatting.fixed(search.reduction, 2))×"))
            let type = search.ggmlType.map { "\($0): " } ?? ""
            row.append(number("\(type)\(search.ggmlLlamaError.map(error) ?? "-") / \(search.ggmlFormulaError.map(error) ?? "-")"))
        }
        return row
    }

    private static func number(_ text: String) -> HTMLPage.Cell { HTMLPage.Cell(text, isNumber: true) }

    /// A relative error with three significant digits.
    private static func error(_ value: Double) -> String { Formatting.significant(value, 3) }
}
