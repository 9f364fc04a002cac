import Reports
import Weighting

/// The terminal report of a diagnosis: the run line, the findings, a table per module family
/// and a table per tensor.
public enum DiagnosisText {
    public static func render(_ result: DiagnosisResult) -> String {
        var out = "diagnose: \(result.model) on \(result.text): \(Formatting.grouped(result.tokens)) tokens (\(result.chunks) chunks of \(result.contextLength)), "
        out += "\(result.tensors.count) tensors matching '\(result.tensorPattern)', bits \(result.bits.map(String.init).joined(separator: ",")), "
        out += "groups of \(result.groupSize), \(result.sampleRows) sampled rows per tensor"
        if let formula = result.formula { out += ", compared formula \(formula)" }
        out += "\n\nFindings:\n" + result.findings.map { "- \($0)" }.joined(separator: "\n") + "\n\n"
        out += familyTable(result).render() + "\n" + tensorTable(result).render()
        return out
    }

    static func familyTable(_ result: DiagnosisResult) -> TextTable {
        var headers = ["family", "tensors", "top1% power", "outlier cols", "saliency top1%"]
        headers += result.bits.map { "rel err \($0)b" }
        for width in result.bits { headers += ["α* \(width)b", "AWQ ×\(width)b", "ggml ×\(width)b"] }
        // AWQ ×: plain round-to-nearest's output error ÷ the best scaling's; ggml ×: the same
        // for ggml's quantizer with the llama formula, on the tensors whose ggml type has these
        // bits and is not the file's own type.
        var table = TextTable(headers: headers, alignments: [.left] + Array(repeating: .right, count: headers.count - 1))
        for family in result.families {
            var row = [family.family.rawValue, String(family.tensors), Formatting.percent(family.meanTop1PercentPowerShare, 2),
                       Formatting.fixed(family.meanOutlierColumns, 1), Formatting.percent(family.meanSaliencyTop1PercentShare, 2)]
            row += family.meanRelativeError.map { Formatting.significant($0, 3) }
            for width in result.bits {
                if let at = family.scaleSearch.first(where: { $0.bits == width }) {
                    row += [Formatting.fixed(at.meanBestAlpha, 2), Formatting.fixed(at.meanReduction, 3),
                            at.ggmlLlamaReduction.map { Formatting.fixed($0, 3) } ?? "–"]
                } else {
                    row += ["–", "–", "–"]
                }
            }
            table.append(row)
        }
        return table
    }

    static func tensorTable(_ result: DiagnosisResult) -> TextTable {
        var headers = ["tensor", "top1% power", "outlier cols", "kurtosis", "near 0", "saliency top1%", "offset ×2b"]
        for width in result.bits { headers += ["rel err \(width)b", "α* \(width)b", "RTN→AWQ \(width)b", "ggml llama \(width)b"] }
        var table = TextTable(headers: headers, alignments: [.left] + Array(repeating: .right, count: headers.count - 1))
        for tensor in result.tensors {
            let weights = tensor.weights
            var row = [tensor.name, Formatting.percent(tensor.activations.top1PercentPowerShare, 2),
                       String(tensor.activations.outlierColumns.count), Formatting.significant(tensor.activations.excessKurtosis, 3),
                       Formatting.percent(tensor.activations.nearZeroFraction, 1), Formatting.percent(tensor.saliency.top1PercentShare, 2),
                       weights.twoBitErrorWithOffset > 0 ? Formatting.fixed(weights.twoBitErrorWithoutOffset / weights.twoBitErrorWithOffset, 2) : "–"]
            for width in result.bits {
                row.append(tensor.decomposition.first { $0.bits == width }.map { Formatting.significant($0.relativeError, 3) } ?? "–")
                if let search = tensor.scaleSearch.first(where: { $0.bits == width }) {
                    row += [Formatting.fixed(search.bestAlpha, 2),
                            "\(Formatting.significant(search.plainError, 3))→\(Formatting.significant(search.bestError, 3))",
                            search.ggmlLlamaError.map {
                                "\(Formatting.significant($0, 3)) \(search.ggmlType ?? "")\(search.ggmlType == tensor.storedType ? "=file" : "")"
                            } ?? "–"]
                } else {
                    row += ["–", "–", "–"]
                }
            }
            table.append(row)
        }
        return table
    }
}
