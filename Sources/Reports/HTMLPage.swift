/// A self-contained HTML page (inline CSS, no scripts, nothing loaded from elsewhere) built
/// from sections; the markup is well-formed XML so it can be checked with an XML parser.
public struct HTMLPage: Sendable {
    public var title: String
    /// Body markup, in order.
    public private(set) var body: [String] = []

    static let style = """
        body { font-family: sans-serif; margin: 24px; color: #222; }
        h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
        table { border-collapse: collapse; font-size: 13px; }
        th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
        th { background: #f2f2f2; } td.number { text-align: right; }
        td.bad { color: #b00000; font-weight: bold; }
        figure { margin: 12px 0; display: inline-block; vertical-align: top; }
        .note { color: #555; }
        """

    public init(title: String) { self.title = title }

    /// Appends a heading (`level` 1…6).
    public mutating func heading(_ text: String, level: Int = 2) {
        body.append("<h\(level)>\(Markup.escape(text))</h\(level)>")
    }

    /// Appends a paragraph of plain text.
    public mutating func paragraph(_ text: String, className: String? = nil) {
        body.append("<p\(className.map { " class=\"\(Markup.escape($0))\"" } ?? "")>\(Markup.escape(text))</p>")
    }

    /// Appends a bulleted list of plain-text items.
    public mutating func list(_ items: [String]) {
        body.append("<ul>" + items.map { "<li>\(Markup.escape($0))</li>" }.joined() + "</ul>")
    }

    /// Appends markup as is (e.g. an inline `<svg>` from ``HeatMap``), wrapped in a figure.
    public mutating func figure(_ markup: String, className: String, attributes: [String: String] = [:]) {
        let extra = attributes.keys.sorted().map { " \($0)=\"\(Markup.escape(attributes[$0]!))\"" }.joined()
        body.append("<figure class=\"\(Markup.escape(className))\"\(extra)>\n\(markup)</figure>")
    }

    /// A table cell: text, and whether it is a number (right-aligned) or to be highlighted.
    public struct Cell: Sendable, ExpressibleByStringLiteral {
        public var text: String
        public var isNumber = false
        public var isHighlighted = false
        public init(_ text: String, isNumber: Bool = false, isHighlighted: Bool = false) {
            self.text = text
            self.isNumber = isNumber
            self.isHighlighted = isHighlighted
        }
        public init(stringLiteral value: String) { self.init(value) }
    }

    /// Appends a table.
    public mutating func table(headers: [String], rows: [[Cell]], className: String? = nil) {
        var out = "<table\(className.map { " class=\"\(Markup.escape($0))\"" } ?? "")>\n<tr>"
        out += headers.map { "<th>\(Markup.escape($0))</th>" }.joined() + "</tr>\n"
        for row in rows {
            out += "<tr>" + row.map { cell in
                let classes = [cell.isNumber ? "number" : nil, cell.isHighlighted ? "bad" : nil].compactMap { $0 }
                let attribute = classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\""
                return "<td\(attribute)>\(Markup.escape(cell.text))</td>"
            }.joined() + "</tr>\n"
        }
        body.append(out + "</table>")
    }

    /// The complete document.
    public func render() -> String {
        """
        <!DOCTYPE html>
        <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
        <head>
        <meta charset="utf-8"/>
        <title>\(Markup.escape(title))</title>
        <style>
        \(HTMLPage.style)
        </style>
        </head>
        <body>
        \(body.joined(separator: "\n"))
        </body>
        </html>

        """
    }
}
