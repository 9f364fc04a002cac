import Foundation

/// A self-contained SVG scatter plot: one colour per named series, each point a small circle,
/// axes with ticks and grid lines (linear or log₁₀), a title, axis labels, a legend and an
/// optional caption. Text is XML-escaped; the output needs no fonts, scripts or styles from elsewhere.
///
///     var plot = ScatterPlot(title: "power vs error", x: .init(label: "mean x²", scale: .logarithmic),
///                            y: .init(label: "weight RMSE", scale: .logarithmic))
///     plot.series.append(.init(name: "columns", points: [.init(x: 0.5, y: 0.01), .init(x: 40, y: 0.02)]))
///     try ReportFile.write(plot.svg(), to: "scatter.svg")
///
/// Points that cannot be drawn (a non-finite coordinate, or a value ≤ 0 on a log axis) are left
/// out and counted in a note under the plot. Points carry no hover titles, so ten thousand of
/// them stay a few hundred kilobytes.
public struct ScatterPlot: Sendable {
    /// A data point.
    public typealias Point = LineChart.Point
    /// An axis: its label and scale.
    public typealias Axis = LineChart.Axis

    /// A named set of points, drawn in one colour.
    public struct Series: Sendable {
        public var name: String
        public var points: [Point]
        public init(name: String, points: [Point]) {
            self.name = name
            self.points = points
        }
    }

    public var title: String
    public var x: Axis
    public var y: Axis
    public var series: [Series] = []
    /// A line of plain text under the plot (e.g. how the points were chosen).
    public var caption: String?
    public var width = 860.0
    /// The height; grows when the legend needs more room.
    public var height = 520.0
    /// Circle radius and fill opacity of the points.
    public var radius = 2.5
    public var opacity = 0.6

    public init(title: String, x: Axis, y: Axis, series: [Series] = [], caption: String? = nil) {
        self.title = title
        self.x = x
        self.y = y
        self.series = series
        self.caption = caption
    }

    /// Whether `point` can be drawn on the plot's axes.
    public func isDrawable(_ point: Point) -> Bool {
        point.x.isFinite && point.y.isFinite
            && (x.scale == .linear || point.x > 0) && (y.scale == .linear || point.y > 0)
    }

    /// Points left out because a coordinate is ≤ 0 on a log axis (both coordinates finite).
    public var nonPositiveCount: Int {
        series.reduce(0) { $0 + $1.points.count { $0.x.isFinite && $0.y.isFinite && !isDrawable($0) } }
    }

    /// Points left out because a coordinate is infinite or NaN.
    public var nonFiniteCount: Int {
        series.reduce(0) { $0 + $1.points.count { !$0.x.isFinite || !$0.y.isFinite } }
    }

    /// The note under the plot: what was left out, or that there is nothing to draw; nil when every point is drawn.
    public var note: String? {
        var parts: [String] = []
        let nonPositive = nonPositiveCount, nonFinite = nonFiniteCount
        if nonPositive > 0 { parts.append("\(nonPositive) point\(nonPositive == 1 ? "" : "s") with a value ≤ 0 on a log axis left out") }
        if nonFinite > 0 { parts.append("\(nonFinite) point\(nonFinite == 1 ? "" : "s") with a non-finite value left out") }
        if !series.contains(where: { $0.points.contains(where: isDrawable) }) { parts.insert("no points to draw", at: 0) }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// The plot as a complete SVG document.
    public func svg() -> String {
        let height = max(self.height, 120 + Double(series.count) * 18)
        let drawable = series.map { $0.points.filter(isDrawable) }
        let xScale = AxisScale(kind: x.scale, covering: drawable.flatMap { $0.map(\.x) }, integral: x.integral)
        let yScale = AxisScale(kind: y.scale, covering: drawable.flatMap { $0.map(\.y) }, integral: y.integral)
        let legendWidth = series.isEmpty ? 0.0 : 190
        let frame = PlotFrame(left: 78, right: width - 20 - legendWidth, top: 44, bottom: height - 70, xScale: xScale, yScale: yScale)
        let left = frame.left, right = frame.right, top = frame.top
        let c = Markup.coordinate

        var out = Markup.chartOpening(width: width, height: height, title: title)
        out += frame.grid() + frame.labels(x: x, y: y, xTitleY: frame.bottom + 36)

        for (index, points) in drawable.enumerated() {
            let color = BarChart.color(index)
            out += "<g class=\"series\" data-name=\"\(Markup.escape(series[index].name))\" fill=\"\(color)\" fill-opacity=\"\(c(opacity))\">\n"
            let r = c(radius)
            for point in points {
                out += "<circle cx=\"\(ScatterPlot.compact(frame.x(point.x)))\" cy=\"\(ScatterPlot.compact(frame.y(point.y)))\" r=\"\(r)\"/>\n"
            }
            out += "</g>\n"
        }
        out += frame.border()

        if !series.isEmpty {
            out += "<g class=\"legend\">\n"
            for (index, line) in series.enumerated() {
                let rowY = top + 8 + Double(index) * 18
                out += "<rect x=\"\(c(right + 16))\" y=\"\(c(rowY - 5))\" width=\"10\" height=\"10\" rx=\"5\" fill=\"\(BarChart.color(index))\"/>\n"
                out += "<text x=\"\(c(right + 32))\" y=\"\(c(rowY + 4))\">\(Markup.escape("\(line.name) (\(drawable[index].count))"))</text>\n"
            }
            out += "</g>\n"
        }
        let notes = [note, caption].compactMap { $0 }
        for (index, text) in notes.enumerated() {
            out += "<text class=\"\(index == 0 && note != nil ? "note" : "caption")\" x=\"\(c(left))\" y=\"\(c(height - 22 + Double(index) * 14))\" font-size=\"11\" fill=\"#555\">\(Markup.escape(text))</text>\n"
        }
        return out + "</svg>\n"
    }

    /// A point coordinate with at most one decimal, to keep many circles small.
    static func compact(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        let whole = tenths / 10, fraction = abs(tenths % 10)
        if fraction == 0 { return String(whole) }
        return (tenths < 0 && whole == 0 ? "-" : "") + "\(whole).\(fraction)"
    }
}
