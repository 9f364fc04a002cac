import Foundation
import Reports
import Weighting

/// The SVG figures of `imx diagnose`, drawn from a ``DiagnosisResult``: the sorted channel
/// saliency of one layer ("hockey stick"), layer × channel saliency heat maps, the error
/// reduction of AWQ-style scaling and of ggml's importance-weighted quantizers against plain
/// round-to-nearest, and per-column activation power against weight error. Every function
/// returns a complete SVG document, and a result without the data a figure needs gives a chart
/// with a note saying so, never a crash. Which figures a run writes is decided by ``all(_:)``.
public enum DiagnosisFigures {
    /// A figure to write: its file name, title and SVG.
    public struct Figure: Sendable {
        public var fileName: String
        public var title: String
        public var svg: String
        public init(fileName: String, title: String, svg: String) {
            self.fileName = fileName
            self.title = title
            self.svg = svg
        }
    }

    /// Saliency curves keep at most this many points per tensor: every rank of the head
    /// (``curveHead``), then evenly spaced ranks, the last included.
    public static let maximumCurvePoints = 800
    public static let curveHead = 200
    /// Heat maps have at most this many cells per row; wider tensors are binned.
    public static let maximumHeatMapBins = 256
    /// The colour scale of the heat maps spans this many decades below each layer's strongest bin.
    public static let heatMapDecades = 3

    // MARK: - The figures

    /// Sorted channel saliency (``ChannelProfile/saliency``, descending, divided by the tensor's
    /// mean saliency, log y) against channel rank as a fraction of the channels, one line per
    /// tensor of the layer ``hockeyStickLayer(_:)`` picks.
    public static func hockeyStick(_ result: DiagnosisResult) -> String { hockeyStickFigure(result).svg }

    /// Layer × channel saliency of one module family; see ``SaliencyGrid`` for the binning and normalisation.
    public static func heatMap(_ result: DiagnosisResult, family: ModuleFamily) -> String {
        heatMapChart(result, family: family).svg()
    }

    /// Per module family (groups): the mean AWQ error-reduction factor at each bit width, and,
    /// where the run has them, ggml's quantizer with the `llama` formula (and with the run's
    /// extra formula) as plain-RTN error ÷ ggml error.
    public static func reductionBars(_ result: DiagnosisResult) -> String { reductionFigure(result).svg }

    /// One tensor's input columns: activation power (mean x²) against the column's weight
    /// quantization RMSE at the run's first bit width, log–log; outlier columns in their own colour.
    public static func powerErrorScatter(_ tensor: TensorDiagnosis) -> String { scatterChart(tensor).svg() }

    /// The figures to write, at most eight: the hockey stick; saliency heat maps of `down`, `q`
    /// and further families with channel profiles (at most four maps); the reduction bars; the
    /// power–error scatter of the tensor with the largest top-1% activation power share, and of
    /// the `ffn_down` of the hockey stick's layer (or the one nearest to it).
    public static func all(_ result: DiagnosisResult) -> [Figure] {
        var figures = [hockeyStickFigure(result)]
        for family in heatMapFamilies(result) {
            let chart = heatMapChart(result, family: family)
            figures.append(Figure(fileName: "saliency-heatmap-\(family.rawValue).svg", title: chart.title, svg: chart.svg()))
        }
        figures.append(reductionFigure(result))
        for tensor in scatterTensors(result) {
            let plot = scatterChart(tensor)
            figures.append(Figure(fileName: "power-vs-error-\(fileNamePart(tensor.name)).svg", title: plot.title, svg: plot.svg()))
        }
        return figures
    }

    // MARK: - Selection

    /// The hockey stick's layer: among the layers whose tensors have channel profiles, those
    /// with the most module families, and of these the one nearest the middle of the layer
    /// range (the lower on a tie); nil without profiles.
    public static func hockeyStickLayer(_ result: DiagnosisResult) -> Int? {
        let profiled = result.tensors.filter { $0.layer != nil && $0.channels != nil }
        let familyCounts = Dictionary(grouping: profiled, by: { $0.layer! }).mapValues { Set($0.map(\.family)).count }
        guard let most = familyCounts.values.max(), let first = familyCounts.keys.min(), let last = familyCounts.keys.max() else { return nil }
        let middle = Double(first + last) / 2
        return familyCounts.filter { $0.value == most }.keys.min { (abs(Double($0) - middle), $0) < (abs(Double($1) - middle), $1) }
    }

    /// `down` and `q` first, then the other families in declaration order; only families with a
    /// profiled tensor in a layer; at most four.
    static func heatMapFamilies(_ result: DiagnosisResult) -> [ModuleFamily] {
        let present = Set(result.tensors.filter { $0.layer != nil && $0.channels != nil }.map(\.family))
        let order = [ModuleFamily.down, .q] + ModuleFamily.allCases.filter { $0 != .down && $0 != .q }
        return Array(order.filter(present.contains).prefix(4))
    }

    /// The tensor with the largest top-1% activation power share, then the `ffn_down` nearest
    /// the hockey stick's layer when that is another tensor.
    static func scatterTensors(_ result: DiagnosisResult) -> [TensorDiagnosis] {
        let profiled = result.tensors.filter { $0.channels != nil }
        var chosen: [TensorDiagnosis] = []
        if let strongest = profiled.filter({ $0.activations.top1PercentPowerShare.isFinite })
            .max(by: { $0.activations.top1PercentPowerShare < $1.activations.top1PercentPowerShare }) {
            chosen.append(strongest)
        }
        let target = Double(hockeyStickLayer(result) ?? 0)
        if let down = profiled.filter({ $0.family == .down && $0.layer != nil })
            .min(by: { (abs(Double($0.layer!) - target), $0.layer!) < (abs(Double($1.layer!) - target), $1.layer!) }),
            !chosen.contains(where: { $0.name == down.name }) {
            chosen.append(down)
        }
        return chosen
    }

    // MARK: - Chart building

    static func hockeyStickFigure(_ result: DiagnosisResult) -> Figure {
        let fileName = "saliency-sorted.svg"
        var chart = LineChart(title: "Sorted channel saliency", x: .init(label: "channel rank (fraction of channels, most salient first)"),
                              y: .init(label: "saliency |W|·mean|x| ÷ the tensor's mean saliency", scale: .logarithmic))
        guard let layer = hockeyStickLayer(result) else {
            chart.title += " (no channel profiles)"
            return Figure(fileName: fileName, title: chart.title,
                          svg: withNote(chart.svg(), "no tensor in a layer has a channel profile", x: chart.width / 2, y: chart.height / 2, anchor: "middle"))
        }
        chart.title += ", layer \(layer) (the middle layer with the most module families)"
        let tensors = result.tensors.filter { $0.layer == layer && $0.channels != nil }.sorted { ($0.family, $0.name) < ($1.family, $1.name) }
        for tensor in tensors {
            let values = tensor.channels!.saliency.lazy.map(Double.init).filter(\.isFinite).sorted(by: >)
            let mean = values.reduce(0, +) / Double(max(1, values.count))
            guard mean > 0 else { continue }
            let scale = values.count > 1 ? 1 / Double(values.count - 1) : 0
            chart.series.append(.init(name: shortName(tensor.name),
                                      points: curveRanks(values.count).map { .init(x: Double($0) * scale, y: values[$0] / mean) }))
        }
        guard !chart.series.isEmpty else {
            return Figure(fileName: fileName, title: chart.title,
                          svg: withNote(chart.svg(), "no tensor of layer \(layer) has a positive saliency", x: chart.width / 2, y: chart.height / 2, anchor: "middle"))
        }
        return Figure(fileName: fileName, title: chart.title, svg: chart.svg())
    }

    static func heatMapChart(_ result: DiagnosisResult, family: ModuleFamily) -> DenseHeatMap {
        let grid = SaliencyGrid(result, family: family, maximumBins: maximumHeatMapBins)
        let cell = grid.binWidth > 1 ? "cells are bins of \(grid.binWidth) channels (the bin's largest saliency)" : "one cell per channel"
        var caption = "\(cell); each layer divided by its strongest \(grid.binWidth > 1 ? "bin" : "channel"), so 1 = the layer's maximum"
        if grid.values.isEmpty { caption = "no tensor of this family has a channel profile" }
        return DenseHeatMap(title: "Channel saliency |W|·mean|x| by layer: \(family.rawValue) tensors", rowAxis: "layer",
                            columnAxis: "input channel", rowLabels: grid.rowLabels, values: grid.values,
                            columnsPerCell: grid.binWidth, columnCount: grid.columns, logDecades: heatMapDecades, caption: caption)
    }

    static func reductionFigure(_ result: DiagnosisResult) -> Figure {
        let families = result.families.filter { !$0.scaleSearch.isEmpty }.sorted { $0.family < $1.family }
        let bits = Set(families.flatMap { $0.scaleSearch.map(\.bits) }).sorted()
        func at(_ family: FamilySummary, _ bits: Int) -> FamilySummary.AtBits? { family.scaleSearch.first { $0.bits == bits } }
        var series = bits.map { b in
            BarChart.Series(name: "AWQ scales, \(b)-bit", values: families.map { at($0, b)?.meanReduction })
        }
        let comparisons: [(String, KeyPath<FamilySummary.AtBits, Double?>)] =
            [("ggml llama", \.ggmlLlamaReduction), ("ggml \(formulaLabel(result.formula))", \.ggmlFormulaReduction)]
        for (name, reduction) in comparisons {
            for b in bits {
                let values = families.map { family in at(family, b).flatMap { $0[keyPath: reduction] } }
                if values.contains(where: { $0 != nil }) { series.append(.init(name: "\(name), \(b)-bit", values: values)) }
            }
        }
        let chart = BarChart(title: "Output error reduction against plain round-to-nearest, by module family",
                             yLabel: "plain RTN error ÷ error (higher is better)", groups: families.map(\.family.rawValue), series: series)
        let note = families.isEmpty
            ? "no scale search in this run (no sampled activation rows)"
            : "mean over tensors of plain error ÷ error; ggml only where its type has these bits and is not the file's own"
        let svg = withNote(chart.svg(), note, x: families.isEmpty ? chart.width / 2 : 78, y: families.isEmpty ? chart.height / 2 : chart.height - 14,
                           anchor: families.isEmpty ? "middle" : "start")
        return Figure(fileName: "error-reduction.svg", title: chart.title, svg: svg)
    }

    /// The compared formula for a legend: its name, or "best formula" when it differs per type.
    static func formulaLabel(_ formula: String?) -> String {
        guard let formula else { return "formula" }
        return formula.contains(":") ? "sweep's best formula" : formula
    }

    static func scatterChart(_ tensor: TensorDiagnosis) -> ScatterPlot {
        let bits = tensor.decomposition.first.map { "\($0.bits)-bit" } ?? "the first bit width"
        var plot = ScatterPlot(title: "\(tensor.name): activation power and weight error per input column",
                               x: .init(label: "activation power (mean x²)", scale: .logarithmic),
                               y: .init(label: "weight quantization RMSE, \(bits)", scale: .logarithmic))
        guard let channels = tensor.channels else {
            plot.caption = "no channel profile for this tensor"
            return plot
        }
        let count = min(channels.power.count, channels.weightError.count)
        let outliers = Set(tensor.activations.outlierColumns.filter { $0 < count })
        func points(_ columns: some Sequence<Int>) -> [ScatterPlot.Point] {
            columns.map { .init(x: Double(channels.power[$0]), y: Double(channels.weightError[$0])) }
        }
        plot.series.append(.init(name: "columns", points: points((0..<count).lazy.filter { !outliers.contains($0) })))
        if !outliers.isEmpty {
            plot.series.append(.init(name: "outlier columns", points: points(outliers.sorted())))
        }
        plot.caption = "one point per input column (\(count) columns\(tensor.experts > 1 ? ", pooled over \(tensor.experts) experts" : ""));"
            + " outlier columns: RMS at least 6× the median column RMS"
        return plot
    }

    // MARK: - Helpers

    /// `blk.3.ffn_down.weight` → `ffn_down`; names outside the blocks lose only `.weight`.
    static func shortName(_ name: String) -> String {
        var parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.count > 2 && parts[0] == "blk" { parts.removeFirst(2) }
        if parts.count > 1 && parts.last == "weight" { parts.removeLast() }
        return parts.joined(separator: ".")
    }

    /// A tensor name for a file name: `.weight` dropped, characters other than letters, digits, `.`, `_`, `-` as `-`.
    static func fileNamePart(_ name: String) -> String {
        let base = name.hasSuffix(".weight") ? String(name.dropLast(".weight".count)) : name
        return String(base.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "-" })
    }

    /// Every rank of the head, then evenly spaced ranks up to the last; at most ``maximumCurvePoints``.
    static func curveRanks(_ count: Int) -> [Int] {
        guard count > maximumCurvePoints else { return Array(0..<count) }
        let rest = maximumCurvePoints - curveHead
        let tail = (1...rest).map { curveHead - 1 + Int((Double($0) * Double(count - curveHead) / Double(rest)).rounded()) }
        return Array(0..<curveHead) + tail
    }

    /// `svg` with a grey note added before its closing tag.
    static func withNote(_ svg: String, _ note: String, x: Double, y: Double, anchor: String) -> String {
        let text = "<text class=\"note\" x=\"\(Markup.coordinate(x))\" y=\"\(Markup.coordinate(y))\" text-anchor=\"\(anchor)\" font-size=\"11\" fill=\"#555\">\(Markup.escape(note))</text>\n"
        guard let closing = svg.range(of: "</svg>", options: .backwards) else { return svg + text }
        return svg.replacingCharacters(in: closing.lowerBound..<closing.lowerBound, with: text)
    }
}
