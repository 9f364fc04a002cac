/// A self-contained SVG line chart: one polyline per series, axes with ticks and grid lines
/// (linear or log₁₀), a title, axis labels and a legend. Text is XML-escaped; the output needs
/// no fonts, scripts or styles from elsewhere.
///
///     var chart = LineChart(title: "Σ(Act²) per layer", x: .init(label: "layer"),
///                           y: .init(label: "Σ(Act²)", scale: .logarithmic))
///     chart.series.append(.init(name: "attn_q", points: [.init(x: 0, y: 12.5), .init(x: 1, y: 30)]))
///     try AtomicFile.write(Array(chart.svg().utf8), to: "sums.svg")
///
/// On a log axis, points with y ≤ 0 cannot be drawn and are left out (the line is broken there).
public struct LineChart: Sendable {
    /// A data point.
    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }
    }

    /// A named line.
    public struct Series: Sendable {
        public var name: String
        public var points: [Point]
        public init(name: String, points: [Point]) {
            self.name = name
            self.points = points
        }
    }

    /// An axis: its label and scale.
    public struct Axis: Sendable {
        public var label: String
        public var scale: AxisScale.Kind
        /// Ticks only at whole numbers (linear scale).
        public var integral: Bool
        public init(label: String, scale: AxisScale.Kind = .linear, integral: Bool = false) {
            self.label = label
            self.scale = scale
            self.integral = integral
        }
    }

    public var title: String
    public var x: Axis
    public var y: Axis
    public var series: [Series] = []
    public var width = 860.0
    /// The height; grows when the legend needs more room.
    public var height = 500.0
    /// Point markers are drawn on series with at most this many points.
    public var markerLimit = 60

    /// Line colours, cycled through by series.
    public static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                                 "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    public init(title: String, x: Axis, y: Axis, series: [Series] = []) {
        self.title = title
        self.x = x
        self.y = y
        self.series = series
    }

    /// The chart as a complete SVG document.
    public func svg() -> String {
        let height = max(self.height, 100 + Double(series.count) * 18)   // room for the legend
        let xScale = AxisScale(kind: x.scale, covering: series.flatMap { $0.points.map(\.x) }, integral: x.integral)
        let yScale = AxisScale(kind: y.scale, covering: series.flatMap { $0.points.map(\.y) }, integral: y.integral)
        let legendWidth = series.isEmpty ? 0.0 : 190
        let frame = PlotFrame(left: 78, right: width - 20 - legendWidth, top: 44, bottom: height - 52, xScale: xScale, yScale: yScale)
        let right = frame.right, top = frame.top
        func px(_ value: Double) -> String { Markup.coordinate(frame.x(value)) }
        func py(_ value: Double) -> String { Markup.coordinate(frame.y(value)) }
        let c = Markup.coordinate

        var out = Markup.chartOpening(width: width, height: height, title: title)
        out += frame.grid() + frame.border() + frame.labels(x: x, y: y, xTitleY: height - 14)

        for (index, line) in series.enumerated() {
            let color = LineChart.palette[index % LineChart.palette.count]
            let drawable = line.points.filter { xScale.contains($0.x) && yScale.contains($0.y) }
            out += "<g class=\"series\" data-name=\"\(Markup.escape(line.name))\" stroke=\"\(color)\" fill=\"none\" stroke-width=\"1.6\">\n"
            out += "<title>\(Markup.escape(line.name))</title>\n"
            // Consecutive drawable points form one polyline; an undrawable point breaks the line.
            var run: [String] = []
            func flush() {
                if run.count > 1 { out += "<polyline points=\"\(run.joined(separator: " "))\"/>\n" }
                run.removeAll()
            }
            for point in line.points {
                if xScale.contains(point.x) && yScale.contains(point.y) { run.append("\(px(point.x)),\(py(point.y))") } else { flush() }
            }
            flush()
            if drawable.count <= markerLimit || drawable.count == 1 {
                for point in drawable { out += "<circle cx=\"\(px(point.x))\" cy=\"\(py(point.y))\" r=\"2.5\" fill=\"\(color)\"/>\n" }
            }
            out += "</g>\n"
        }

        if !series.isEmpty {
            out += "<g class=\"legend\">\n"
            let legendX = right + 16
            for (index, line) in series.enumerated() {
                let color = LineChart.palette[index % LineChart.palette.count]
                let rowY = top + 8 + Double(index) * 18
                out += "<line x1=\"\(c(legendX))\" y1=\"\(c(rowY))\" x2=\"\(c(legendX + 22))\" y2=\"\(c(rowY))\" stroke=\"\(color)\" stroke-width=\"2.5\"/>\n"
                out += "<text x=\"\(c(legendX + 28))\" y=\"\(c(rowY + 4))\">\(Markup.escape(line.name))</text>\n"
            }
            out += "</g>\n"
        }
        return out + "</svg>\n"
    }
}
