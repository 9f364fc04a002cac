import Foundation

/// A compact self-contained SVG heat map for hundreds of columns: rows of thin cells coloured
/// on the viridis scale of ``HeatMap``, values 0…1 mapped linearly or logarithmically over a
/// number of decades, a column axis in the original units (a cell may stand for a bin of
/// several columns), row labels, a title, a colour legend and a caption. Cells have no hover
/// titles; each row is one path per colour with a segment per run of equal-coloured cells, so
/// a map of 64 × 256 cells stays a few hundred kilobytes at most.
public struct DenseHeatMap: Sendable {
    public var title: String
    public var rowAxis: String
    public var columnAxis: String
    public var rowLabels: [String]
    /// Rows of values in 0…1; a row may be shorter than the widest.
    public var values: [[Double]]
    /// How many original columns one cell stands for (for the column ticks).
    public var columnsPerCell: Int
    /// The original column count (for the column ticks).
    public var columnCount: Int
    /// nil: colour linear in the value; n: colour linear in log₁₀(value) from 10⁻ⁿ (and below) to 1.
    public var logDecades: Int?
    /// A line of plain text under the map (e.g. how values were normalised).
    public var caption: String?
    /// Colour levels: values that fall in the same level share a colour.
    public var levels = 64

    public init(title: String, rowAxis: String, columnAxis: String, rowLabels: [String], values: [[Double]],
                columnsPerCell: Int, columnCount: Int, logDecades: Int? = nil, caption: String? = nil) {
        self.title = title
        self.rowAxis = rowAxis
        self.columnAxis = columnAxis
        self.rowLabels = rowLabels
        self.values = values
        self.columnsPerCell = max(1, columnsPerCell)
        self.columnCount = columnCount
        self.logDecades = logDecades
        self.caption = caption
    }

    /// The colour position 0…1 of `value` (non-finite and ≤ 0 are 0).
    public func position(_ value: Double) -> Double {
        guard value.isFinite, value > 0 else { return 0 }
        guard let decades = logDecades, decades > 0 else { return min(1, value) }
        return min(1, max(0, 1 + log10(value) / Double(decades)))
    }

    /// The heat map as an `<svg>` element (usable inline in HTML or as a file).
    public func svg() -> String {
        let c = Markup.coordinate
        let cells = values.map(\.count).max() ?? 0
        let cellWidth = cells == 0 ? 3 : max(1, min(14, (768 / Double(cells) * 4).rounded(.down) / 4))
        let cellHeight = values.count <= 16 ? 16 : max(4, min(16, (560 / Double(values.count)).rounded(.down)))
        let left = 96.0, top = 60.0
        let gridWidth = Double(cells) * cellWidth, gridHeight = Double(values.count) * cellHeight
        let width = max(left + gridWidth + 30, 520), height = top + gridHeight + 100
        var out = Markup.chartOpening(width: width, height: height, title: title)
        out += "<text x=\"\(c(left + gridWidth / 2))\" y=\"\(c(top + gridHeight + 34))\" text-anchor=\"middle\">\(Markup.escape(columnAxis))</text>\n"
        out += "<text transform=\"translate(16 \(c(top + gridHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(Markup.escape(rowAxis))</text>\n"
        // Column ticks in original columns, placed at their cell.
        out += "<g class=\"x-ticks\" text-anchor=\"middle\">\n"
        for tick in AxisScale(kind: .linear, covering: [0, Double(max(1, columnCount))]).ticks where tick <= Double(columnCount) {
            let x = left + tick / Double(columnsPerCell) * cellWidth
            out += "<line x1=\"\(c(x))\" y1=\"\(c(top + gridHeight))\" x2=\"\(c(x))\" y2=\"\(c(top + gridHeight + 4))\" stroke=\"#333\"/>"
            out += "<text x=\"\(c(x))\" y=\"\(c(top + gridHeight + 16))\">\(Markup.escape(Markup.number(tick)))</text>\n"
        }
        out += "</g>\n<g class=\"y-ticks\" text-anchor=\"end\">\n"
        let labelEvery = max(1, Int((12 / cellHeight).rounded(.up)))
        for (row, label) in rowLabels.enumerated() where row % labelEvery == 0 {
            out += "<text x=\"\(c(left - 6))\" y=\"\(c(top + (Double(row) + 0.5) * cellHeight + 4))\">\(Markup.escape(label))</text>\n"
        }
        // Cells in cell units: one path per row and colour, a horizontal segment per run of equal colour,
        // its stroke one unit (a cell) high.
        out += "</g>\n<g class=\"cells\" transform=\"translate(\(c(left)) \(c(top))) scale(\(c(cellWidth)) \(c(cellHeight)))\" "
        out += "fill=\"none\" stroke-width=\"1\" shape-rendering=\"crispEdges\">\n"
        for (row, line) in values.enumerated() {
            var runs: [Int: String] = [:], order: [Int] = []
            var start = 0
            while start < line.count {
                let level = self.level(line[start])
                var end = start + 1
                while end < line.count && self.level(line[end]) == level { end += 1 }
                if runs[level] == nil { order.append(level) }
                runs[level, default: ""] += "M\(start) \(row).5h\(end - start)"
                start = end
            }
            out += "<g class=\"row\" data-row=\"\(row)\">"
            for level in order { out += "<path stroke=\"\(HeatMap.color(at: Double(level) / Double(levels - 1)))\" d=\"\(runs[level]!)\"/>" }
            out += "</g>\n"
        }
        out += "</g>\n"
        out += legend(x: left, y: top + gridHeight + 48)
        if let caption {
            out += "<text class=\"caption\" x=\"\(c(left))\" y=\"\(c(height - 8))\" font-size=\"11\" fill=\"#555\">\(Markup.escape(caption))</text>\n"
        }
        return out + "</svg>\n"
    }

    /// The colour level of `value`: 0…levels−1.
    func level(_ value: Double) -> Int { Int((position(value) * Double(levels - 1)).rounded()) }

    /// The colour bar with its value labels.
    private func legend(x: Double, y: Double) -> String {
        let c = Markup.coordinate
        let id = HeatMap.gradientID(prefix: "dense-scale-", title: title)
        var out = "<g class=\"legend\">\n" + HeatMap.gradientDefinition(id: id) + "\n"
        out += "<rect x=\"\(c(x))\" y=\"\(c(y))\" width=\"240\" height=\"12\" fill=\"url(#\(Markup.escape(id)))\"/>\n"
        let labels: [(Double, String)]
        if let decades = logDecades, decades > 0 {
            labels = (0...decades).map { step in
                let exponent = step - decades
                return (Double(step) / Double(decades), (step == 0 ? "≤" : "") + Markup.number(pow(10, Double(exponent))))
            }
        } else {
            labels = [(0, "0"), (0.5, "0.5"), (1, "1")]
        }
        for (t, label) in labels {
            out += "<text x=\"\(c(x + t * 240))\" y=\"\(c(y + 26))\" text-anchor=\"middle\">\(Markup.escape(label))</text>\n"
        }
        if logDecades != nil {
            out += "<text x=\"\(c(x + 256))\" y=\"\(c(y + 10))\">(log scale)</text>\n"
        }
        return out + "</g>\n"
    }
}
