import Foundation

/// A self-contained SVG heat map: a grid of cells coloured by value on a log scale
/// (`log(1+v) / log(1+max)`, so small counts stay distinguishable from zero), marked cells drawn
/// white with a red cross, unknown values grey; each cell carries a hover title. Text is
/// XML-escaped.
public struct HeatMap: Sendable {
    /// One cell.
    public struct Cell: Sendable {
        /// The value, or nil when unknown.
        public var value: Double?
        /// The hover text.
        public var tooltip: String
        /// Drawn as a crossed-out cell (e.g. an expert without tokens).
        public var marked: Bool
        public init(value: Double?, tooltip: String, marked: Bool = false) {
            self.value = value
            self.tooltip = tooltip
            self.marked = marked
        }
    }

    public var title: String
    public var rowAxis: String
    public var columnAxis: String
    public var rowLabels: [String]
    public var columnLabels: [String]
    /// Rows of cells; a row may be shorter than ``columnLabels``.
    public var cells: [[Cell]]
    /// What a marked cell means, for the legend.
    public var markedMeaning: String
    public var cellSize = 26.0

    /// Colour stops from low to high (a perceptually ordered blue–green–yellow scale).
    public static let stops: [(Double, Double, Double)] = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]

    public init(title: String, rowAxis: String, columnAxis: String, rowLabels: [String], columnLabels: [String],
                cells: [[Cell]], markedMeaning: String) {
        self.title = title
        self.rowAxis = rowAxis
        self.columnAxis = columnAxis
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.cells = cells
        self.markedMeaning = markedMeaning
    }

    /// The colour of `value` on a scale up to `maximum`.
    public static func color(_ value: Double, maximum: Double) -> String {
        color(at: maximum > 0 ? log1p(max(0, value)) / log1p(maximum) : 0)
    }

    /// The colour at position `t` of the scale (0 low, 1 high; clamped).
    public static func color(at t: Double) -> String {
        let position = min(1, max(0, t)) * Double(stops.count - 1)
        let index = min(stops.count - 2, Int(position))
        let f = position - Double(index)
        let (a, b) = (stops[index], stops[index + 1])
        func channel(_ x: Double, _ y: Double) -> Int { Int((x + (y - x) * f).rounded()) }
        return String(format: "#%02x%02x%02x", channel(a.0, b.0), channel(a.1, b.1), channel(a.2, b.2))
    }

    /// A gradient id derived from `title`, so several maps can share one HTML page.
    static func gradientID(prefix: String, title: String) -> String {
        prefix + String(title.unicodeScalars.map { $0.properties.isAlphabetic || ("0"..."9").contains($0) ? Character($0) : "-" })
    }

    /// `<defs>` with the colour scale as a left-to-right `<linearGradient>` named `id`.
    static func gradientDefinition(id: String) -> String {
        var out = "<defs><linearGradient id=\"\(Markup.escape(id))\">"
        for (index, stop) in stops.enumerated() {
            out += "<stop offset=\"\(Markup.coordinate(Double(index) / Double(stops.count - 1)))\" stop-color=\"\(String(format: "#%02x%02x%02x", Int(stop.0), Int(stop.1), Int(stop.2)))\"/>"
        }
        return out + "</linearGradient></defs>"
    }

    /// The heat map as an `<svg>` element (usable inline in HTML or as a file).
    public func svg() -> String {
        let c = Markup.coordinate
        let left = 70.0, top = 52.0
        let columns = max(columnLabels.count, cells.map(\.count).max() ?? 0)
        let gridWidth = Double(columns) * cellSize, gridHeight = Double(cells.count) * cellSize
        let width = max(left + gridWidth + 20, 420), height = top + gridHeight + 86
        let maximum = cells.flatMap { $0.compactMap(\.value) }.max() ?? 0
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(c(width))\" height=\"\(c(height))\" viewBox=\"0 0 \(c(width)) \(c(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        out += "<title>\(Markup.escape(title))</title>\n"
        out += "<text x=\"\(c(left))\" y=\"18\" font-size=\"14\" font-weight=\"bold\">\(Markup.escape(title))</text>\n"
        out += "<text x=\"\(c(left + gridWidth / 2))\" y=\"34\" text-anchor=\"middle\">\(Markup.escape(columnAxis))</text>\n"
        for (index, label) in columnLabels.enumerated() {
            out += "<text x=\"\(c(left + (Double(index) + 0.5) * cellSize))\" y=\"\(c(top - 5))\" text-anchor=\"middle\">\(Markup.escape(label))</text>\n"
        }
        out += "<text transform=\"translate(14 \(c(top + gridHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(Markup.escape(rowAxis))</text>\n"
        for (row, label) in rowLabels.enumerated() {
            out += "<text x=\"\(c(left - 6))\" y=\"\(c(top + (Double(row) + 0.5) * cellSize + 4))\" text-anchor=\"end\">\(Markup.escape(label))</text>\n"
        }
        out += "<g class=\"cells\" stroke=\"#ffffff\" stroke-width=\"1\">\n"
        for (row, line) in cells.enumerated() {
            for (column, cell) in line.enumerated() {
                let x = left + Double(column) * cellSize, y = top + Double(row) * cellSize
                let fill = cell.marked ? "#ffffff" : cell.value.map { HeatMap.color($0, maximum: maximum) } ?? "#d0d0d0"
                let kind = cell.marked ? "cell marked" : (cell.value == nil ? "cell unknown" : "cell")
                out += "<rect class=\"\(kind)\" data-row=\"\(row)\" data-column=\"\(column)\" x=\"\(c(x))\" y=\"\(c(y))\" width=\"\(c(cellSize))\" height=\"\(c(cellSize))\" fill=\"\(fill)\""
                out += cell.marked ? " stroke=\"#d62728\" stroke-width=\"1.5\">" : ">"
                out += "<title>\(Markup.escape(cell.tooltip))</title></rect>\n"
                if cell.marked {
                    let inset = cellSize * 0.25
                    out += "<path class=\"mark\" d=\"M\(c(x + inset)) \(c(y + inset))L\(c(x + cellSize - inset)) \(c(y + cellSize - inset))M\(c(x + cellSize - inset)) \(c(y + inset))L\(c(x + inset)) \(c(y + cellSize - inset))\" stroke=\"#d62728\" stroke-width=\"2\" pointer-events=\"none\"/>\n"
                }
            }
        }
        out += "</g>\n"
        // Legend: the colour bar from 0 to the maximum, then the marked and unknown swatches.
        let legendY = top + gridHeight + 22
        let gradient = HeatMap.gradientID(prefix: "scale-", title: title)
        out += "<g class=\"legend\">\n" + HeatMap.gradientDefinition(id: gradient) + "\n"
        out += "<rect x=\"\(c(left))\" y=\"\(c(legendY))\" width=\"160\" height=\"12\" fill=\"url(#\(Markup.escape(gradient)))\"/>\n"
        out += "<text x=\"\(c(left))\" y=\"\(c(legendY + 26))\">0</text>\n"
        out += "<text x=\"\(c(left + 160))\" y=\"\(c(legendY + 26))\" text-anchor=\"end\">\(Markup.escape(Markup.number(maximum)))</text>\n"
        out += "<text x=\"\(c(left + 80))\" y=\"\(c(legendY + 26))\" text-anchor=\"middle\">(log scale)</text>\n"
        out += "<rect x=\"\(c(left + 180))\" y=\"\(c(legendY))\" width=\"12\" height=\"12\" fill=\"#ffffff\" stroke=\"#d62728\" stroke-width=\"1.5\"/>\n"
        out += "<text x=\"\(c(left + 198))\" y=\"\(c(legendY + 10))\">\(Markup.escape(markedMeaning))</text>\n"
        out += "<rect x=\"\(c(left + 180))\" y=\"\(c(legendY + 18))\" width=\"12\" height=\"12\" fill=\"#d0d0d0\"/>\n"
        out += "<text x=\"\(c(left + 198))\" y=\"\(c(legendY + 28))\">unknown</text>\n</g>\n"
        return out + "</svg>\n"
    }
}
