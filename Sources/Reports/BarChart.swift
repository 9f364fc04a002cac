import Foundation

/// A self-contained SVG grouped bar chart: one group of bars per x label, one bar per series in
/// each group (series told apart by colour and a legend), an optional ± error bar per bar, a
/// linear or log₁₀ y axis with grid lines, a title and a y-axis label. Text is XML-escaped; the
/// output needs no fonts, scripts or styles from elsewhere.
///
///     var chart = BarChart(title: "KLD per formula", yLabel: "mean KLD", scale: .logarithmic,
///                          groups: ["Q4_K", "Q6_K"])
///     chart.series.append(.init(name: "llama", values: [0.031, 0.004], errors: [0.001, 0.0002]))
///     chart.series.append(.init(name: "lognormal(lambda=0.5)", values: [0.027, nil]))
///     try ReportFile.write(chart.svg(), to: "kld.svg")
///
/// A missing value (nil, non-finite, or ≤ 0 on a log axis) draws no bar. On a linear axis bars
/// grow from 0 (downwards for negative values); on a log axis from the bottom of the axis.
public struct BarChart: Sendable {
    /// A named set of bars, one value per group (aligned with ``BarChart/groups``).
    public struct Series: Sendable {
        public var name: String
        /// The bar heights by group; nil (or a missing trailing entry) means no bar.
        public var values: [Double?]
        /// The ± half-widths of the error bars by group; nil or missing means none.
        public var errors: [Double?]

        public init(name: String, values: [Double?], errors: [Double?] = []) {
            self.name = name
            self.values = values
            self.errors = errors
        }

        func value(_ group: Int) -> Double? { group < values.count ? values[group] : nil }
        func error(_ group: Int) -> Double? {
            guard group < errors.count, let error = errors[group], error.isFinite, error > 0 else { return nil }
            return error
        }
    }

    public var title: String
    public var yLabel: String
    public var scale: AxisScale.Kind
    /// The x labels, left to right.
    public var groups: [String]
    public var series: [Series]
    public var width = 860.0
    /// The height; grows when the legend needs more room.
    public var height = 500.0

    public init(title: String, yLabel: String, scale: AxisScale.Kind = .linear, groups: [String], series: [Series] = []) {
        self.title = title
        self.yLabel = yLabel
        self.scale = scale
        self.groups = groups
        self.series = series
    }

    /// The colour of series number `index`: the line charts' palette first, then further hues
    /// spaced by the golden angle so that every series stays distinct.
    public static func color(_ index: Int) -> String {
        if index < LineChart.palette.count { return LineChart.palette[index] }
        let hue = (Double(index - LineChart.palette.count) * 137.508 + 15).truncatingRemainder(dividingBy: 360)
        return hexColor(hue: hue, saturation: 0.6, lightness: 0.42)
    }

    /// The chart as a complete SVG document.
    public func svg() -> String {
        let height = max(self.height, 100 + Double(series.count) * 18)
        let yScale = AxisScale(kind: scale, covering: coveredValues())
        let legendWidth = series.isEmpty ? 0.0 : 190
        let left = 78.0, right = width - 20 - legendWidth, top = 44.0, bottom = height - 52
        let c = Markup.coordinate
        func py(_ value: Double) -> Double { bottom - yScale.fraction(value) * (bottom - top) }
        // Bars start at 0 on a linear axis (clamped into the domain) and at the axis's bottom on a log axis.
        let base = scale == .linear ? py(min(max(0, yScale.lower), yScale.upper)) : bottom

        var out = Markup.chartOpening(width: width, height: height, title: title)
        out += "<g class=\"grid\" stroke=\"#e5e5e5\" stroke-width=\"1\">\n"
        for tick in yScale.ticks { out += "<line x1=\"\(c(left))\" y1=\"\(c(py(tick)))\" x2=\"\(c(right))\" y2=\"\(c(py(tick)))\"/>\n" }
        out += "</g>\n<g class=\"y-ticks\" text-anchor=\"end\">\n"
        for tick in yScale.ticks {
            out += "<text x=\"\(c(left - 6))\" y=\"\(c(py(tick)))\" dy=\"4\">\(Markup.escape(Markup.number(tick)))</text>\n"
        }
        out += "</g>\n"

        let groupWidth = (right - left) / Double(max(1, groups.count))
        let barWidth = groupWidth * 0.8 / Double(max(1, series.count))
        out += "<g class=\"bars\">\n"
        for (seriesIndex, line) in series.enumerated() {
            let color = BarChart.color(seriesIndex)
            for group in groups.indices {
                guard let value = line.value(group), yScale.contains(value) else { continue }
                let x = left + Double(group) * groupWidth + groupWidth * 0.1 + Double(seriesIndex) * barWidth
                let y = py(value)
                let error = line.error(group)
                let tooltip = "\(line.name), \(groups[group]): \(Markup.number(value))" + (error.map { " ± \(Markup.number($0))" } ?? "")
                out += "<rect class=\"bar\" data-series=\"\(Markup.escape(line.name))\" data-group=\"\(Markup.escape(groups[group]))\" "
                    + "x=\"\(c(x))\" y=\"\(c(min(y, base)))\" width=\"\(c(barWidth))\" height=\"\(c(abs(base - y)))\" fill=\"\(color)\">"
                    + "<title>\(Markup.escape(tooltip))</title></rect>\n"
                if let error { out += errorBar(value: value, error: error, center: x + barWidth / 2, barWidth: barWidth, scale: yScale, py: py) }
            }
        }
        out += "</g>\n<g class=\"axes\" stroke=\"#333\" stroke-width=\"1\" fill=\"none\">\n"
        out += "<rect x=\"\(c(left))\" y=\"\(c(top))\" width=\"\(c(right - left))\" height=\"\(c(bottom - top))\"/>\n"
        if scale == .linear && yScale.lower < 0 { out += "<line x1=\"\(c(left))\" y1=\"\(c(base))\" x2=\"\(c(right))\" y2=\"\(c(base))\"/>\n" }
        out += "</g>\n<g class=\"x-ticks\" text-anchor=\"middle\">\n"
        for (index, group) in groups.enumerated() {
            out += "<text x=\"\(c(left + (Double(index) + 0.5) * groupWidth))\" y=\"\(c(bottom + 16))\">\(Markup.escape(group))</text>\n"
        }
        out += "</g>\n"
        out += "<text class=\"y-label\" transform=\"translate(18 \(c((top + bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(Markup.escape(yLabel + (scale == .logarithmic ? " (log)" : "")))</text>\n"

        if !series.isEmpty {
            out += "<g class=\"legend\">\n"
            for (index, line) in series.enumerated() {
                let rowY = top + 8 + Double(index) * 18
                out += "<rect x=\"\(c(right + 16))\" y=\"\(c(rowY - 6))\" width=\"14\" height=\"12\" fill=\"\(BarChart.color(index))\"/>\n"
                out += "<text x=\"\(c(right + 36))\" y=\"\(c(rowY + 4))\">\(Markup.escape(line.name))</text>\n"
            }
            out += "</g>\n"
        }
        return out + "</svg>\n"
    }

    /// Every value the axis must show: the bars, the error bars' ends and, on a linear axis, 0.
    private func coveredValues() -> [Double] {
        var values: [Double] = scale == .linear ? [0] : []
        for line in series {
            for group in groups.indices {
                guard let value = line.value(group), value.isFinite else { continue }
                values.append(value)
                if let error = line.error(group) { values += [value - error, value + error] }
            }
        }
        return values
    }

    /// A vertical ± line with caps; on a log axis the lower end stops at the axis when value − error ≤ 0.
    private func errorBar(value: Double, error: Double, center: Double, barWidth: Double, scale: AxisScale,
                          py: (Double) -> Double) -> String {
        let c = Markup.coordinate
        let low = value - error
        let lowY = py(scale.contains(low) ? max(low, scale.lower) : scale.lower)
        let highY = py(min(value + error, scale.upper))
        let cap = min(8, barWidth * 0.6) / 2
        return "<g class=\"error-bar\" stroke=\"#222\" stroke-width=\"1.2\">"
            + "<line x1=\"\(c(center))\" y1=\"\(c(lowY))\" x2=\"\(c(center))\" y2=\"\(c(highY))\"/>"
            + "<line x1=\"\(c(center - cap))\" y1=\"\(c(lowY))\" x2=\"\(c(center + cap))\" y2=\"\(c(lowY))\"/>"
            + "<line x1=\"\(c(center - cap))\" y1=\"\(c(highY))\" x2=\"\(c(center + cap))\" y2=\"\(c(highY))\"/></g>\n"
    }

    /// `#rrggbb` for a colour given as hue (degrees), saturation and lightness (0…1).
    private static func hexColor(hue: Double, saturation: Double, lightness: Double) -> String {
        let chroma = (1 - abs(2 * lightness - 1)) * saturation
        let sector = hue / 60
        let second = chroma * (1 - abs(sector.truncatingRemainder(dividingBy: 2) - 1))
        let (r, g, b): (Double, Double, Double)
        switch Int(sector) {
        case 0: (r, g, b) = (chroma, second, 0)
        case 1: (r, g, b) = (second, chroma, 0)
        case 2: (r, g, b) = (0, chroma, second)
        case 3: (r, g, b) = (0, second, chroma)
        case 4: (r, g, b) = (second, 0, chroma)
        default: (r, g, b) = (chroma, 0, second)
        }
        let offset = lightness - chroma / 2
        func byte(_ channel: Double) -> String {
            let value = Int(((channel + offset) * 255).rounded())
            return String(format: "%02x", min(255, max(0, value)))
        }
        return "#" + byte(r) + byte(g) + byte(b)
    }
}
