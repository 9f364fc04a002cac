import Foundation

/// A GitHub-flavoured Markdown table. Cells are taken as Markdown (so they may hold `**bold**`
/// or code spans); pipes and line breaks in them are escaped so they cannot break the table.
///
///     var table = MarkdownTable(headers: ["formula", "wRMSE"])
///     table.append([MarkdownTable.code("llama"), "3.1e-03"])
///     print(table.render())
public struct MarkdownTable: Sendable {
    /// Column alignment (as ``TextTable``'s).
    public typealias Alignment = TextTable.Alignment

    /// The cells, kept (and checked) as ``TextTable`` keeps them; only the rendering differs.
    private var grid: TextTable

    public var headers: [String] { grid.headers }
    public var alignments: [Alignment] { grid.alignments }
    public var rows: [[String]] { grid.rows }

    /// A table with `headers`; `alignments` defaults to left for the first column, right for the rest.
    public init(headers: [String], alignments: [Alignment]? = nil) {
        grid = TextTable(headers: headers, alignments: alignments)
    }

    public mutating func append(_ row: [String]) { grid.append(row) }

    /// The table: header line, alignment line, one line per row, each ending with a newline.
    public func render() -> String {
        func line(_ cells: [String]) -> String { "| " + cells.map(MarkdownTable.cell).joined(separator: " | ") + " |\n" }
        let rule = "|" + alignments.map { $0 == .left ? " --- " : " ---: " }.joined(separator: "|") + "|\n"
        return line(headers) + rule + rows.map(line).joined()
    }

    /// `text` as a code span (shown literally), with a longer fence when it contains backticks.
    public static func code(_ text: String) -> String {
        guard !text.isEmpty else { return "" }
        let fence = text.contains("`") ? "``" : "`"
        let pad = text.hasPrefix("`") || text.hasSuffix("`") ? " " : ""
        return fence + pad + text + pad + fence
    }

    /// `text` shown as written: backslashes, backticks, `*`, `[`, `]`, `<` and `>` are
    /// backslash-escaped (underscores are left alone: inside words they do not emphasise).
    public static func plain(_ text: String) -> String {
        var result = ""
        for character in text {
            if "\\`*[]<>".contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }

    /// A cell with pipes escaped and line breaks turned into spaces.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\r\n", with: " ")
            .replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
    }
}
