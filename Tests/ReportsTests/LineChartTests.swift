import Foundation
import Reports
import Testing
import TestSupport

/// The SVG line-chart builder: well-formed output, escaped text, scales and ticks.
@Suite("SVG line chart")
struct LineChartTests {
    @Test("Titles, labels and series names with markup characters are escaped; the SVG parses")
    func escaping() throws {
        let chart = LineChart(title: "a < b & \"c\"", x: .init(label: "x's"), y: .init(label: "<y>"),
                              series: [.init(name: "s&<t>", points: [.init(x: 0, y: 1), .init(x: 1, y: 2)])])
        let svg = chart.svg()
        #expect(svg.contains("a &lt; b &amp; &quot;c&quot;"))
        let elements = try MarkupElements.parse(Data(svg.utf8))
        #expect(elements.first?.name == "svg")
        #expect(elements.first?.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(elements.contains { $0.name == "title" && $0.text == "a < b & \"c\"" })
        #expect(elements.contains { $0.attributes["class"] == "series" && $0.attributes["data-name"] == "s&<t>" })
        #expect(elements.contains { $0.name == "text" && $0.text == "s&<t>" })   // legend
        #expect(elements.contains { $0.attributes["class"] == "x-label" && $0.text == "x's" })
    }

    @Test("Log scale: decade ticks; points ≤ 0 are left out and break the line")
    func logarithmic() throws {
        let chart = LineChart(title: "t", x: .init(label: "x"), y: .init(label: "y", scale: .logarithmic),
                              series: [.init(name: "s", points: [.init(x: 0, y: 0.05), .init(x: 1, y: 3), .init(x: 2, y: 0),
                                                                 .init(x: 3, y: 40), .init(x: 4, y: 900)])])
        let elements = try MarkupElements.parse(Data(chart.svg().utf8))
        let yTicks = elements.indices.filter { elements[$0].attributes["class"] == "y-ticks" }.first.map { start in
            elements[(start + 1)...].prefix { $0.name == "text" }.map(\.text)
        }
        #expect(yTicks == ["0.01", "0.1", "1", "10", "100", "1000"])
        let lines = elements.filter { $0.name == "polyline" }.map { $0.attributes["points"]!.split(separator: " ").count }
        #expect(lines == [2, 2])   // 0.05–3, then 40–900; y = 0 cannot be drawn
        #expect(elements.filter { $0.name == "circle" }.count == 4)
    }

    @Test("Linear scale: nice steps covering the data; integral axes tick at whole numbers")
    func linear() {
        let scale = AxisScale(kind: .linear, covering: [0.3, 9.2])
        #expect(scale.ticks == [0, 2, 4, 6, 8, 10])
        #expect(scale.fraction(5) == 0.5)
        let layers = AxisScale(kind: .linear, covering: [0, 1, 2], integral: true)
        #expect(layers.ticks == [0, 1, 2])
        let blocks = AxisScale(kind: .linear, covering: Array(0...17).map(Double.init), integral: true)
        #expect(blocks.ticks == [0, 5, 10, 15])
        #expect(blocks.lower == 0 && blocks.upper == 17)
        let flat = AxisScale(kind: .linear, covering: [4, 4])
        #expect(flat.lower < 4 && flat.upper > 4)
        let decade = AxisScale(kind: .logarithmic, covering: [2, 7])
        #expect(decade.ticks == [1, 2, 5, 10])
    }

    @Test("A long legend makes the chart taller instead of running off the bottom")
    func legendHeight() throws {
        let series = (0..<40).map { LineChart.Series(name: "s\($0)", points: [.init(x: 0, y: Double($0)), .init(x: 1, y: 1)]) }
        let svg = LineChart(title: "t", x: .init(label: "x"), y: .init(label: "y"), series: series).svg()
        let root = try #require(try MarkupElements.parse(Data(svg.utf8)).first)
        #expect(Double(root.attributes["height"] ?? "0")! >= 100 + 40 * 18)
    }
}
