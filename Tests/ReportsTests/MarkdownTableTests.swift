import Reports
import TestSupport
import Testing

/// Markdown tables and text: pipes and line breaks cannot break a table, code spans and plain
/// text show what was written.
@Suite("Markdown table")
struct MarkdownTableTests {
    @Test("Pipes in cells are escaped and line breaks flattened: every line keeps its column count")
    func cells() {
        var table = MarkdownTable(headers: ["formula", "n"])
        table.append([MarkdownTable.code("expr(a|b)"), "1"])
        table.append(["two\nlines", "2"])
        let text = table.render()
        #expect(text == "| formula | n |\n| --- | ---: |\n| `expr(a\\|b)` | 1 |\n| two lines | 2 |\n")
        for line in text.split(separator: "\n") {
            #expect(ReportTextParsing.cells(String(line)).count == 2)
        }
    }

    @Test("Code spans fence backticks; plain text escapes Markdown's markup characters")
    func text() {
        #expect(MarkdownTable.code("llama") == "`llama`")
        #expect(MarkdownTable.code("a`b") == "``a`b``")
        #expect(MarkdownTable.code("`x") == "`` `x ``")
        #expect(MarkdownTable.plain("a <b> *c* [d] Q4_K") == "a \\<b\\> \\*c\\* \\[d\\] Q4_K")
    }
}
