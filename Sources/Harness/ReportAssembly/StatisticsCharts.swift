import Foundation
import IMatrix
import Reports

/// The charts of `imx stats --svg`: Σ(Act²) per layer for each tensor family, and the sorted
/// per-column importance ("hockey stick") of selected tensors.
public enum StatisticsCharts {
    /// Importance curves keep at most this many points per tensor (evenly spaced ranks,
    /// first and last included), so the SVG stays small for wide expert tensors.
    public static let maximumCurvePoints = 800

    /// (a) One line per tensor family (`attn_q`, `ffn_down_exps`, …): Σ(Act²) of its tensor in
    /// each block, log y. Tensors outside blocks are not drawn.
    public static func layerSums(_ statistics: ImatrixStatistics) -> LineChart {
        var families: [String: [LineChart.Point]] = [:]
        for row in statistics.tensors where row.label.block >= 0 {
            families[row.label.tensor, default: []].append(LineChart.Point(x: Double(row.label.block), y: Double(row.sum)))
        }
        var chart = LineChart(title: "Σ(Act²) per layer and tensor family", x: .init(label: "layer", integral: true),
                              y: .init(label: "Σ(Act²) (sum of per-column mean x²)", scale: .logarithmic))
        for name in families.keys.sorted(by: ImatrixCollection.byteOrder) {
            chart.series.append(.init(name: name, points: families[name]!.sorted { $0.x < $1.x }))
        }
        return chart
    }

    /// (b) For each entry whose name matches `pattern` (byte-wise name order): the per-column
    /// mean x² of its matrices with tokens, sorted descending, against the column rank as a
    /// percentage of the columns; log y.
    public static func importanceCurves(_ collection: ImatrixCollection, matching pattern: Regex<AnyRegexOutput>) -> LineChart {
        var chart = LineChart(title: "Sorted per-column importance", x: .init(label: "column rank (% of columns, most important first)"),
                              y: .init(label: "mean x² per column", scale: .logarithmic))
        for entry in collection.sortedEntries where entry.name.contains(pattern) {
            let values = TensorStatistics.meanSquares(of: entry).sorted(by: >)
            guard !values.isEmpty else { continue }
            let ranks = sampledRanks(values.count)
            let scale = values.count > 1 ? 100 / Double(values.count - 1) : 0
            chart.series.append(.init(name: entry.name,
                                      points: ranks.map { LineChart.Point(x: Double($0) * scale, y: Double(values[$0])) }))
        }
        return chart
    }

    /// `blk.0`'s tensors and the `ffn_down` (or `ffn_down_exps`) of the middle block.
    public static func defaultTensorPattern(for collection: ImatrixCollection) -> String {
        let blocks = Set(collection.entries.keys.map { TensorLabel(name: $0).block }.filter { $0 >= 0 }).sorted()
        guard let first = blocks.first else { return "^blk\\.0\\." }
        let middle = blocks[blocks.count / 2]
        return "^blk\\.\(first)\\.|^blk\\.\(middle)\\.ffn_down(_exps)?\\.weight$"
    }

    /// Writes `layer-sums.svg` and `importance-curves.svg` into `directory` (created if needed),
    /// each atomically; returns their paths.
    public static func write(_ statistics: ImatrixStatistics, _ collection: ImatrixCollection,
                             tensors pattern: Regex<AnyRegexOutput>, to directory: String) throws(ReportFile.WriteError) -> [String] {
        try ReportFile.makeDirectory(directory)
        var written: [String] = []
        for (name, chart) in [("layer-sums.svg", layerSums(statistics)), ("importance-curves.svg", importanceCurves(collection, matching: pattern))] {
            let path = (directory as NSString).appendingPathComponent(name)
            try ReportFile.write(chart.svg(), to: path)
            written.append(path)
        }
        return written
    }

    /// At most ``maximumCurvePoints`` indices spread evenly over `0..<count`, first and last included.
    static func sampledRanks(_ count: Int) -> [Int] {
        guard count > maximumCurvePoints else { return Array(0..<count) }
        let last = maximumCurvePoints - 1
        return (0...last).map { Int((Double($0) * Double(count - 1) / Double(last)).rounded()) }
    }
}
