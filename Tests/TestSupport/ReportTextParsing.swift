/// Readers for the text formats the reports write, written independently of the writers:
/// Markdown tables (by section) and RFC 4180 CSV.
public enum ReportTextParsing {
    /// The lines of the section that starts with the line `heading`, up to the next heading of
    /// the same or a higher level.
    public static func section(_ markdown: String, heading: String) -> [String] {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(of: heading) else { return [] }
        let level = heading.prefix { $0 == "#" }.count
        let rest = lines[(start + 1)...]
        let end = rest.firstIndex { line in
            let hashes = line.prefix { $0 == "#" }.count
            return hashes > 0 && hashes <= level && line.dropFirst(hashes).hasPrefix(" ")
        } ?? lines.endIndex
        return Array(lines[(start + 1)..<end])
    }

    /// The cells of a Markdown table line (`| a | b |`), split at unescaped pipes.
    public static func cells(_ line: String) -> [String] {
        var cells: [String] = [], current = "", escaped = false
        for character in line.dropFirst().dropLast() {
            if escaped { current.append(character); escaped = false; continue }
            switch character {
            case "\\": escaped = true; current.append(character)
            case "|": cells.append(current.trimmingSpaces()); current = ""
            default: current.append(character)
            }
        }
        cells.append(current.trimmingSpaces())
        return cells
    }

    /// The first table in `lines`: its header cells and its rows keyed by header.
    public static func table(_ lines: [String]) -> (headers: [String], rows: [[String: String]], widths: [Int]) {
        let tableLines = lines.drop { !$0.hasPrefix("|") }.prefix { $0.hasPrefix("|") }
        guard let first = tableLines.first else { return ([], [], []) }
        let headers = cells(first)
        let body = tableLines.dropFirst(2).map(cells)
        let rows = body.map { row in Dictionary(zip(headers, row), uniquingKeysWith: { a, _ in a }) }
        return (headers, rows, tableLines.map { cells($0).count })
    }

    /// RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks.
    public static func csv(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = ""
        var quoted = false, afterQuote = false
        var characters = Array(text.unicodeScalars)[...]
        while let c = characters.popFirst() {
            if quoted {
                if c == "\"" {
                    if characters.first == "\"" { field.unicodeScalars.append(c); characters.removeFirst() } else { quoted = false; afterQuote = true }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !afterQuote: quoted = true
            case ",": record.append(field); field = ""; afterQuote = false
            case "\n":
                record.append(field); records.append(record)
                record = []; field = ""; afterQuote = false
            default: field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }
}

extension String {
    func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
