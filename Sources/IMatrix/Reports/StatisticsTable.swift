import Foundation

/// llama-imatrix's `--show-statistics` text, character for character without the log prefix:
/// the tensor table and the per-layer table, tab-separated with the same headers and printf
/// formats, so the two outputs can be diffed.
public enum StatisticsTable {
    static let tensorHeaders = [" Layer", "       Tensor", "          Σ(Act²)", "  Min", "            Max", "           μ",
                                "   σ", " % Active", "N", "   Entropy", "E (norm)", "ZD", "  CosSim"]
    static let layerHeaders = ["  Layer", "     μΣ(Act²)", "      μZD", "μCosSim"]

    /// Both tables; `source` is the file name printed in the first line.
    public static func render(_ statistics: ImatrixStatistics, source: String) -> String {
        var text = "\nComputing statistics for \(source) (\(statistics.tensors.count) tensors)\n"
        text += "\n" + tensorHeaders.joined(separator: "\t") + "\n"
        text += String(repeating: "=", count: 169) + "\n"
        for row in statistics.tensors { text += line(row) + "\n" }
        text += "\nComputing weighted average statistics per layer (\(statistics.layers.count) layers)\n"
        text += "\n" + layerHeaders.joined(separator: "\t") + "\n"
        text += String(repeating: "=", count: 48) + "\n"
        for row in statistics.layers { text += line(row) + "\n" }
        return text + "\n"
    }

    /// `%5s\t%-20s\t%10.2f\t%8.4f\t%11.4f\t%6.2f\t%6.2f\t%8.2f%%\t%6d\t%10.4f\t%6.2f%%\t%10.2f%%\t%8.4f`.
    public static func line(_ row: TensorStatistics) -> String {
        let layer = String(repeating: " ", count: max(0, 5 - row.label.layer.count)) + row.label.layer
        let tensor = row.label.tensor + String(repeating: " ", count: max(0, 20 - row.label.tensor.count))
        let numbers = String(format: "%10.2f\t%8.4f\t%11.4f\t%6.2f\t%6.2f\t%8.2f%%\t%6ld\t%10.4f\t%6.2f%%\t%10.2f%%\t%8.4f",
                             Double(row.sum), Double(row.minimum), Double(row.maximum), Double(row.mean),
                             Double(row.standardDeviation), Double(row.activeFraction * 100), row.elements,
                             Double(row.entropy), Double(row.normalizedEntropy), Double(100 * row.zScoreFraction),
                             Double(row.cosineSimilarity))
        return layer + "\t" + tensor + "\t" + numbers
    }

    /// `%5d\t%14.2f\t%10.4f%%\t%6.4f`.
    public static func line(_ row: LayerStatistics) -> String {
        String(format: "%5ld\t%14.2f\t%10.4f%%\t%6.4f", row.layer, Double(row.weightedSum),
               Double(100 * row.weightedZScoreFraction), Double(row.weightedCosineSimilarity))
    }
}

extension ImatrixStatistics {
    /// The llama.cpp-compatible text (see ``StatisticsTable``).
    public func text(source: String) -> String { StatisticsTable.render(self, source: source) }
}
