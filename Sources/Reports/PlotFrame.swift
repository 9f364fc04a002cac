/// The frame the x–y charts (``LineChart``, ``ScatterPlot``) share: the plot area, the value →
/// position mapping of both scales, grid lines, the border, tick labels and axis titles.
struct PlotFrame {
    let left: Double, right: Double, top: Double, bottom: Double
    let xScale: AxisScale, yScale: AxisScale

    /// The horizontal position of x value `value`.
    func x(_ value: Double) -> Double { left + xScale.fraction(value) * (right - left) }
    /// The vertical position of y value `value`.
    func y(_ value: Double) -> Double { bottom - yScale.fraction(value) * (bottom - top) }

    /// Light grid lines at every tick.
    func grid() -> String {
        let c = Markup.coordinate
        var out = "<g class=\"grid\" stroke=\"#e5e5e5\" stroke-width=\"1\">\n"
        for tick in yScale.ticks { out += "<line x1=\"\(c(left))\" y1=\"\(c(y(tick)))\" x2=\"\(c(right))\" y2=\"\(c(y(tick)))\"/>\n" }
        for tick in xScale.ticks { out += "<line x1=\"\(c(x(tick)))\" y1=\"\(c(top))\" x2=\"\(c(x(tick)))\" y2=\"\(c(bottom))\"/>\n" }
        return out + "</g>\n"
    }

    /// The plot area's border.
    func border() -> String {
        let c = Markup.coordinate
        return "<g class=\"axes\" stroke=\"#333\" stroke-width=\"1\" fill=\"none\">\n"
            + "<rect x=\"\(c(left))\" y=\"\(c(top))\" width=\"\(c(right - left))\" height=\"\(c(bottom - top))\"/>\n</g>\n"
    }

    /// Tick labels of both axes, and the axis titles (" (log)" added for log scales); the x
    /// title's baseline is at `xTitleY`.
    func labels(x xAxis: LineChart.Axis, y yAxis: LineChart.Axis, xTitleY: Double) -> String {
        let c = Markup.coordinate
        var out = "<g class=\"y-ticks\" text-anchor=\"end\">\n"
        for tick in yScale.ticks {
            out += "<text x=\"\(c(left - 6))\" y=\"\(c(y(tick)))\" dy=\"4\">\(Markup.escape(Markup.number(tick)))</text>\n"
        }
        out += "</g>\n<g class=\"x-ticks\" text-anchor=\"middle\">\n"
        for tick in xScale.ticks {
            out += "<text x=\"\(c(x(tick)))\" y=\"\(c(bottom + 16))\">\(Markup.escape(Markup.number(tick)))</text>\n"
        }
        out += "</g>\n"
        out += "<text class=\"x-label\" x=\"\(c((left + right) / 2))\" y=\"\(c(xTitleY))\" text-anchor=\"middle\">\(Markup.escape(xAxis.label + (xAxis.scale == .logarithmic ? " (log)" : "")))</text>\n"
        out += "<text class=\"y-label\" transform=\"translate(18 \(c((top + bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(Markup.escape(yAxis.label + (yAxis.scale == .logarithmic ? " (log)" : "")))</text>\n"
        return out
    }
}
