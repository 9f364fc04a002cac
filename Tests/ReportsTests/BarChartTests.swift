import Foundation
import Reports
import Testing
import TestSupport

/// The SVG grouped bar chart: bar heights follow the values, missing values draw nothing,
/// error bars, log axes, escaping and distinct colours.
@Suite("SVG bar chart")
struct BarChartTests {
    static func bars(_ svg: String) throws -> [MarkupElements.Element] {
        try MarkupElements.parse(Data(svg.utf8)).filter { $0.attributes["class"] == "bar" }
    }

    static func height(_ bar: MarkupElements.Element) -> Double { Double(bar.attributes["height"]!)! }

    @Test("Linear axis: heights are proportional to the values; nil draws no bar")
    func linearHeights() throws {
        let chart = BarChart(title: "t", yLabel: "y", groups: ["a", "b", "c", "d"],
                             series: [.init(name: "s", values: [1, 3, nil, 2])])
        let bars = try Self.bars(chart.svg())
        #expect(bars.map { $0.attributes["data-group"] } == ["a", "b", "d"])
        let heights = bars.map(Self.height)
        #expect(heights[0] < heights[2] && heights[2] < heights[1])
        #expect(abs(heights[1] / heights[0] - 3) < 0.02 && abs(heights[2] / heights[0] - 2) < 0.02)
        // All bars stand on the same baseline.
        #expect(Set(bars.map { Double($0.attributes["y"]!)! + Self.height($0) }).count == 1)
    }

    @Test("Log axis: heights ordered as the values, values ≤ 0 draw no bar, grouped bars sit side by side")
    func logarithmic() throws {
        let chart = BarChart(title: "t", yLabel: "KLD", scale: .logarithmic, groups: ["Q4_K", "Q6_K"],
                             series: [.init(name: "a", values: [0.05, 0.002]), .init(name: "b", values: [0.5, 0]),
                                      .init(name: "c", values: [0.01])])
        let svg = chart.svg()
        let bars = try Self.bars(svg)
        #expect(bars.map { "\($0.attributes["data-series"]!)/\($0.attributes["data-group"]!)" } == ["a/Q4_K", "a/Q6_K", "b/Q4_K", "c/Q4_K"])
        let byName = Dictionary(uniqueKeysWithValues: bars.map { ("\($0.attributes["data-series"]!)/\($0.attributes["data-group"]!)", Self.height($0)) })
        #expect(byName["a/Q6_K"]! < byName["c/Q4_K"]! && byName["c/Q4_K"]! < byName["a/Q4_K"]! && byName["a/Q4_K"]! < byName["b/Q4_K"]!)
        let q4 = bars.filter { $0.attributes["data-group"] == "Q4_K" }.map { Double($0.attributes["x"]!)! }
        #expect(q4 == q4.sorted() && Set(q4).count == 3)
        let fills = Set(bars.map { $0.attributes["fill"]! })
        #expect(fills.count == 3)
        #expect(svg.contains("KLD (log)"))
    }

    @Test("Error bars: one per bar that has an error, spanning value ± error")
    func errorBars() throws {
        let chart = BarChart(title: "t", yLabel: "y", groups: ["a", "b"],
                             series: [.init(name: "s", values: [4, 8], errors: [1, nil])])
        let elements = try MarkupElements.parse(Data(chart.svg().utf8))
        let groups = elements.indices.filter { elements[$0].attributes["class"] == "error-bar" }
        #expect(groups.count == 1)
        let stem = elements[groups[0] + 1]
        let bar = try #require(try Self.bars(chart.svg()).first)
        let top = Double(bar.attributes["y"]!)!, perUnit = Self.height(bar) / 4
        #expect(abs(Double(stem.attributes["y1"]!)! - (top + perUnit)) < 0.05)   // 4 − 1
        #expect(abs(Double(stem.attributes["y2"]!)! - (top - perUnit)) < 0.05)   // 4 + 1
    }

    @Test("Text is escaped and the SVG parses; many series get distinct colours")
    func escapingAndColours() throws {
        let series = (0..<24).map { BarChart.Series(name: "s<\($0)>&", values: [Double($0 + 1)]) }
        let chart = BarChart(title: "a < b & \"c\"", yLabel: "<y>", groups: ["g&h"], series: series)
        let elements = try MarkupElements.parse(Data(chart.svg().utf8))
        #expect(elements.first?.name == "svg")
        #expect(elements.contains { $0.name == "title" && $0.text == "a < b & \"c\"" })
        #expect(elements.contains { $0.name == "text" && $0.text == "g&h" })
        #expect(elements.contains { $0.name == "text" && $0.text == "s<3>&" })
        #expect(Set((0..<24).map(BarChart.color)).count == 24)
        #expect((0..<24).map(BarChart.color).allSatisfy { $0.count == 7 && $0.hasPrefix("#") })
        let root = try #require(elements.first)
        #expect(Double(root.attributes["height"]!)! >= 100 + 24 * 18)
    }
}
