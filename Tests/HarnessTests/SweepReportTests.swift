import Foundation
import Harness
import Reports
import TestSupport
import Testing

/// The sweep report (report.md, summary.csv, experts.csv, plots) on a synthetic sweep whose
/// numbers are known: see ``SweepReportFixture``.
@Suite("Sweep report")
struct SweepReportTests {
    typealias F = SweepReportFixture
    let markdown = SweepReport.markdown(description: F.description, records: F.records())

    /// The Q4_K (or Q6_K) table's rows by formula.
    func table(_ type: String) -> [String: [String: String]] {
        let rows = ReportTextParsing.table(ReportTextParsing.section(markdown, heading: "## \(type)")).rows
        return Dictionary(rows.map { row in (row["formula"]!, row) }, uniquingKeysWith: { a, _ in a })
    }

    /// The expected total wRMSE of a record: parameter-weighted RMS over the three tensors, the
    /// MoE tensor's own wRMSE being the RMS of its equally weighted experts.
    func expectedTotalWRMSE(type: String, formula: Int) -> Double {
        let dense = F.baseWRMSE[type]! * F.formulaFactor[formula]
        let experts = F.expertWRMSE(type: type, formula: formula)
        let moe = (experts.map { $0 * $0 }.reduce(0, +) / Double(experts.count)).squareRoot()
        let n = [Double(F.denseElements), Double(F.fallbackElements), Double(4 * F.expertElements)]
        let squares = n[0] * dense * dense + n[1] * (0.8 * dense) * (0.8 * dense) + n[2] * moe * moe
        return (squares / n.reduce(0, +)).squareRoot()
    }

    @Test("Header: model, texts with base PPL, recipe, records of grid size, the missing point by name")
    func header() {
        #expect(markdown.hasPrefix("# demo \\<sweep\\>\n"))
        #expect(markdown.contains("- model: `models/tiny-moe.gguf`"))
        #expect(markdown.contains("- evaluation text: `corpora/eval.txt`; base model PPL 10.5000 over 1,000 tokens"))
        #expect(markdown.contains("- calibration text: `corpora/calib.txt`; base model PPL 9.2500 over 1,000 tokens"))
        #expect(markdown.contains("  - `ffn_.* → TYPE`"))
        #expect(markdown.contains("- grid points recorded: 5 of 6"))
        #expect(markdown.contains("- missing: `Q6_K/lognormal(lambda=1)`\n"))
        let complete = SweepReport.markdown(description: F.description, records: F.records() + [F.record(type: 1, formula: 2)])
        #expect(complete.contains("- grid points recorded: 6 of 6"))
        #expect(!complete.contains("- missing:"))
    }

    @Test("Per-type tables: baseline is 1.00, the other rel. columns are the right ratios")
    func ratios() throws {
        let q4 = table("Q4_K")
        let llama = try #require(q4["`llama`"])
        for column in ["rel. KLD", "rel.", "rel. wRMSE"] { #expect(llama[column] == "1.00", "\(column)") }
        let half = try #require(q4["**`lognormal(lambda=0.5)`** ★"])
        #expect(half["rel. KLD"] == "0.80")   // 0.04 / 0.05
        #expect(half["rel."] == "0.80")       // calibration: 0.036 / 0.045
        #expect(half["calib÷eval KLD"] == "0.90")
        #expect(half["KLD eval"] == "0.04 ± 0.002")
        #expect(half["top-1"] == "96.00%")
        #expect(half["p99 KLD"] == "0.32")
        let expected = expectedTotalWRMSE(type: "Q4_K", formula: 1) / expectedTotalWRMSE(type: "Q4_K", formula: 0)
        #expect(half["rel. wRMSE"] == String(format: "%.2f", expected))
        #expect(half["total wRMSE"] == String(format: "%.4e", expectedTotalWRMSE(type: "Q4_K", formula: 1)))
        #expect(q4["`lognormal(lambda=1)`"]?["rel. KLD"] == "1.20")
        let q6 = table("Q6_K")
        #expect(q6["`lognormal(lambda=0.5)`"]?["rel. KLD"] == "1.20")
        #expect(q6["`lognormal(lambda=1)` (missing)"]?["KLD eval"] == "—")
    }

    @Test("Every table line has as many cells as its header")
    func tableShape() {
        for type in F.types {
            let parsed = ReportTextParsing.table(ReportTextParsing.section(markdown, heading: "## \(type)"))
            #expect(parsed.headers.count == 11)
            #expect(parsed.widths.count == 2 + 3)
            #expect(Set(parsed.widths) == [11])
        }
    }

    @Test("The ★ marks the lowest mean evaluation KLD per type, once")
    func best() {
        let q4 = ReportTextParsing.section(markdown, heading: "## Q4_K").filter { $0.hasPrefix("|") && $0.contains("★") }
        #expect(q4.count == 1)
        #expect(q4.first?.hasPrefix("| **`lognormal(lambda=0.5)`** ★ |") == true)
        let q6 = ReportTextParsing.section(markdown, heading: "## Q6_K").filter { $0.hasPrefix("|") && $0.contains("★") }
        #expect(q6.count == 1)
        #expect(q6.first?.hasPrefix("| **`llama`** ★ |") == true)
    }

    @Test("Without end-to-end scores: no KLD/PPL columns, ★ by total wRMSE, the wRMSE bar chart")
    func withoutEndToEnd() {
        let records = F.records(withEndToEnd: false)
        let text = SweepReport.markdown(description: F.description, records: records)
        let parsed = ReportTextParsing.table(ReportTextParsing.section(text, heading: "## Q4_K"))
        #expect(parsed.headers == ["formula", "total wRMSE", "rel. wRMSE"])
        #expect(!text.contains("KLD") && !text.contains("PPL"))
        // λ=0.5 has the lowest total wRMSE in both types.
        #expect(parsed.rows.filter { $0["formula"]!.contains("★") }.map { $0["formula"]! } == ["**`lognormal(lambda=0.5)`** ★"])
        let names = SweepReport.plots(description: F.description, records: records).map(\.fileName)
        #expect(names.contains("wrmse-by-formula.svg") && !names.contains("kld-by-formula.svg"))
        #expect(text.contains("![Total wRMSE per formula](plots/wrmse-by-formula.svg)"))
    }

    @Test("The fallback tensor is named under its type's table only")
    func fallback() {
        let q4 = ReportTextParsing.section(markdown, heading: "## Q4_K").joined(separator: "\n")
        #expect(q4.contains("Fallback: 1 tensor (ffn_up) → Q5_0 instead of Q4_K (llama-quantize's fallback"))
        #expect(!ReportTextParsing.section(markdown, heading: "## Q6_K").joined().contains("Fallback"))
    }

    @Test("Per-expert effects: experts bucketed by tokens, pooled wRMSE relative to the baseline")
    func experts() throws {
        let section = ReportTextParsing.section(markdown, heading: "### Q4_K")
        let parsed = ReportTextParsing.table(section)
        #expect(parsed.headers == ["formula", "0 tokens (n=1)", "1–9 tokens (n=1)", "10–99 tokens (n=1)", "≥100 tokens (n=1)"])
        let rows = Dictionary(parsed.rows.map { ($0["formula"]!, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(rows["`llama`"]?.values.filter { $0 == "1.00" }.count == 4)
        #expect(rows["`lognormal(lambda=0.5)`"]?["0 tokens (n=1)"] == "0.40")   // 1.6 / 4
        #expect(rows["`lognormal(lambda=1)`"]?["0 tokens (n=1)"] == "0.50")     // 2 / 4
        #expect(rows["`lognormal(lambda=0.5)`"]?["≥100 tokens (n=1)"] == "0.90")
        #expect(ReportTextParsing.section(markdown, heading: "## Per-expert effects").contains("### Q6_K"))
    }

    @Test("summary.csv: header plus one row per record in grid order, 49 cells each, numbers round-trip")
    func summaryCSV() throws {
        let records = F.records()
        let rows = ReportTextParsing.csv(SweepReport.csv(description: F.description, records: records.reversed()))
        #expect(rows.count == 1 + records.count)
        #expect(rows.allSatisfy { $0.count == 49 })
        let header = rows[0]
        #expect(Array(header.prefix(9)) == ["variant", "type", "formula", "family", "parameters", "tensors", "total_wrmse",
                                            "total_rel_wrmse", "total_rmse"])
        #expect(header.contains("eval_kld_mean") && header.contains("calib_rms_dp") && !header.contains { $0.contains("second") })
        func column(_ name: String) -> Int { header.firstIndex(of: name)! }
        #expect(rows.dropFirst().map { $0[0] } == records.map(\.variant))
        for (row, record) in zip(rows.dropFirst(), records) {
            let wrmse = try #require(Double(row[column("total_wrmse")]))
            #expect(abs(wrmse / record.totalWeightedRMSE - 1) < 1e-5)
            #expect(abs(wrmse / expectedTotalWRMSE(type: record.type, formula: record.index % 3) - 1) < 1e-5)
            let kld = try #require(Double(row[column("eval_kld_mean")]))
            #expect(abs(kld - record.evaluation!.meanKLD) <= 1e-6 * kld)
            #expect(Double(row[column("calib_ppl_base")]) == 9.25)
            #expect(row[column("eval_tokens")] == "1000")
        }
        #expect(rows[2][column("parameters")] == "lambda=0.5")
        #expect(rows[1][column("parameters")] == "")
        let bare = ReportTextParsing.csv(SweepReport.csv(description: F.description, records: F.records(withEndToEnd: false)))
        #expect(bare.dropFirst().allSatisfy { row in row.count == 49 && row[9...].allSatisfy(\.isEmpty) })
    }

    @Test("CSV fields with commas, quotes and line breaks are quoted and read back")
    func csvQuoting() {
        let fields = ["plain", "expr(a, b)", "say \"hi\"", "two\nlines", "", "cr\r\nlf"]
        #expect(CSVText.field("plain") == "plain")
        #expect(CSVText.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(ReportTextParsing.csv(CSVText.record(fields) + CSVText.record(["x"])) == [fields, ["x"]])
    }

    @Test("experts.csv: one row per expert of every record; nil for a dense sweep")
    func expertCSV() throws {
        let text = try #require(SweepReport.expertCSV(description: F.description, records: F.records()))
        let rows = ReportTextParsing.csv(text)
        #expect(rows.first == ["variant", "tensor", "expert", "tokens", "rmse", "wrmse"])
        #expect(rows.count == 1 + 5 * 4)
        #expect(rows[1] == ["Q4_K/llama", "blk.1.ffn_up_exps.weight", "0", "0", "0.04", "0.08"])
        #expect(rows[4][3] == "500")
        var dense = F.records()
        for index in dense.indices { dense[index].tensors.removeLast() }
        #expect(SweepReport.expertCSV(description: F.description, records: dense) == nil)
        #expect(!SweepReport.markdown(description: F.description, records: dense).contains("Per-expert"))
    }

    @Test("Plots: the expected files, each well-formed SVG, each linked from report.md")
    func plots() throws {
        let plots = SweepReport.plots(description: F.description, records: F.records())
        #expect(plots.map(\.fileName) == ["kld-by-formula.svg", "wrmse-per-layer-Q4_K.svg", "wrmse-per-layer-Q6_K.svg",
                                          "sweep-lognormal-lambda.svg"])
        for plot in plots {
            let elements = try MarkupElements.parse(Data(plot.svg.utf8))
            #expect(elements.first?.name == "svg", "\(plot.fileName)")
            #expect(markdown.contains("](plots/\(plot.fileName))"), "\(plot.fileName)")
        }
        let bars = try MarkupElements.parse(Data(plots[0].svg.utf8)).filter { $0.attributes["class"] == "bar" }
        #expect(bars.count == 5)
        #expect(bars.filter { $0.attributes["data-group"] == "Q6_K" }.count == 2)
        // The λ sweep: Q4_K has two λ values (a line), Q6_K one (a marker only).
        let sweep = try MarkupElements.parse(Data(plots[3].svg.utf8))
        #expect(sweep.filter { $0.attributes["class"] == "series" }.map { $0.attributes["data-name"] } == ["Q4_K", "Q6_K"])
        #expect(sweep.filter { $0.name == "polyline" }.count == 1)
        // Per layer: one line per formula over layers 0 and 1.
        let layers = try MarkupElements.parse(Data(plots[1].svg.utf8))
        #expect(layers.filter { $0.name == "polyline" }.map { $0.attributes["points"]!.split(separator: " ").count } == [2, 2, 2])
    }

    @Test("Record order and wall times do not change a byte of any output")
    func deterministic() throws {
        let ordered = F.records(seconds: 1.25)
        var shuffled = F.records(seconds: 98765.4321)
        var generator = SeededGenerator(seed: 7)
        shuffled.shuffle(using: &generator)
        #expect(shuffled.map(\.index) != ordered.map(\.index))
        #expect(SweepReport.markdown(description: F.description, records: shuffled) == markdown)
        #expect(SweepReport.csv(description: F.description, records: shuffled) == SweepReport.csv(description: F.description, records: ordered))
        #expect(SweepReport.expertCSV(description: F.description, records: shuffled)
            == SweepReport.expertCSV(description: F.description, records: ordered))
        let a = SweepReport.plots(description: F.description, records: shuffled)
        let b = SweepReport.plots(description: F.description, records: ordered)
        #expect(a.map(\.fileName) == b.map(\.fileName) && a.map(\.svg) == b.map(\.svg))
        let everything = [SweepReport.markdown(description: F.description, records: shuffled),
                          SweepReport.csv(description: F.description, records: shuffled)] + a.map(\.svg)
        for text in everything {
            #expect(!text.contains("98765") && !text.contains("197530") && !text.lowercased().contains("second"))
        }
    }

    @Test("write: report.md, summary.csv, experts.csv and plots/ hold exactly what the functions return")
    func write() throws {
        let folder = try TemporaryDirectory()
        let target = folder.file("sweep")
        try SweepReport.write(description: F.description, records: F.records(), to: target)
        func read(_ name: String) throws -> String { try String(contentsOfFile: target + "/" + name, encoding: .utf8) }
        #expect(try read("report.md") == markdown)
        #expect(try read("summary.csv") == SweepReport.csv(description: F.description, records: F.records()))
        #expect(try read("experts.csv") == SweepReport.expertCSV(description: F.description, records: F.records()))
        let plots = SweepReport.plots(description: F.description, records: F.records())
        #expect(try FileManager.default.contentsOfDirectory(atPath: target + "/plots").sorted() == plots.map(\.fileName).sorted())
        for plot in plots { #expect(try read("plots/" + plot.fileName) == plot.svg) }
        try "x".write(toFile: folder.file("file"), atomically: true, encoding: .utf8)
        #expect(throws: ReportFile.WriteError.self) {
            try SweepReport.write(description: F.description, records: F.records(), to: folder.file("file"))
        }
    }
}
