import Foundation
import Harness
import IMatrix
import Reports
import TestSupport
import Testing

/// The heat map, the HTML page and the expert-coverage text `imx compute` prints after a run.
@Suite("Report markup and expert-coverage text")
struct ReportMarkupTests {
    @Test("Heat map: one rect per cell, marked and unknown cells, escaped hover titles, colour scale ends")
    func heatMap() throws {
        let map = HeatMap(title: "ffn_up_exps <&>", rowAxis: "layer", columnAxis: "expert", rowLabels: ["0", "1"],
                          columnLabels: ["0", "1", "2"],
                          cells: [[.init(value: 5, tooltip: "a"), .init(value: 0, tooltip: "zero & none", marked: true), .init(value: 100, tooltip: "c")],
                                  [.init(value: nil, tooltip: "?"), .init(value: 1, tooltip: "e"), .init(value: 50, tooltip: "f")]],
                          markedMeaning: "no tokens")
        let elements = try MarkupElements.parse(Data(map.svg().utf8))
        let cells = elements.filter { $0.name == "rect" && ($0.attributes["class"] ?? "").hasPrefix("cell") }
        #expect(cells.count == 6)
        #expect(cells.filter { $0.attributes["class"] == "cell marked" }.map { $0.attributes["data-column"] } == ["1"])
        #expect(cells.filter { $0.attributes["class"] == "cell unknown" }.map { $0.attributes["data-row"] } == ["1"])
        #expect(elements.contains { $0.name == "title" && $0.text == "zero & none" })
        #expect(elements.first { $0.name == "title" }?.text == "ffn_up_exps <&>")
        #expect(cells.first { $0.attributes["data-row"] == "0" && $0.attributes["data-column"] == "2" }?.attributes["fill"] == "#fde725")
        #expect(HeatMap.color(0, maximum: 100) == "#440154")
        #expect(HeatMap.color(100, maximum: 100) == "#fde725")
    }

    @Test("HTML page: well-formed, escaped, no scripts or external resources")
    func page() throws {
        var page = HTMLPage(title: "a < b")
        page.heading("Tables & maps")
        page.paragraph("x > y", className: "note")
        page.list(["one", "<two>"])
        page.table(headers: ["name", "n"], rows: [["a&b", HTMLPage.Cell("3", isNumber: true)], [HTMLPage.Cell("bad", isHighlighted: true), "4"]])
        page.figure("<svg xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>\n", className: "heatmap", attributes: ["data-family": "f\"x"])
        let text = page.render()
        #expect(text.hasPrefix("<!DOCTYPE html>\n"))
        let elements = try MarkupElements.parse(Data(text.utf8))
        #expect(elements.first?.name == "html")
        #expect(elements.contains { $0.name == "title" && $0.text == "a < b" })
        #expect(elements.contains { $0.name == "li" && $0.text == "<two>" })
        #expect(elements.contains { $0.name == "td" && $0.text == "a&b" })
        #expect(elements.contains { $0.name == "td" && $0.attributes["class"] == "number" && $0.text == "3" })
        #expect(elements.contains { $0.name == "td" && $0.attributes["class"] == "bad" })
        #expect(elements.contains { $0.name == "figure" && $0.attributes["data-family"] == "f\"x" })
        #expect(!elements.contains { $0.name == "script" || $0.name == "link" })
    }

    /// A run's collection: two MoE layers of 4 experts, one expert of layer 1 without tokens.
    static var run: ImatrixCollection {
        ImatrixCollection(entries: [
            "blk.0.attn_q.weight": ImatrixEntry(name: "blk.0.attn_q.weight", sums: [1, 2], counts: [64]),
            "blk.0.ffn_up_exps.weight": ImatrixEntry(name: "blk.0.ffn_up_exps.weight", sums: [Double](repeating: 1, count: 8), counts: [40, 30, 50, 8]),
            "blk.1.ffn_up_exps.weight": ImatrixEntry(name: "blk.1.ffn_up_exps.weight", sums: [1, 1, 0, 0, 1, 1, 1, 1], counts: [60, 0, 40, 28]),
            "blk.1.ffn_down_exps.weight": ImatrixEntry(name: "blk.1.ffn_down_exps.weight", sums: [1, 1, 0, 0, 1, 1, 1, 1], counts: [60, 0, 40, 28]),
        ], datasets: ["calib.txt"], chunkCount: 1)
    }

    @Test("The end-of-run summary for imx compute: counts and zero-token experts by layer")
    func runSummary() {
        let coverage = ExpertCoverage(collection: Self.run, minimumTokens: 10)
        let s = coverage.summary
        let figures: [Int] = [s.moeLayers, s.expertTensors, s.tensorsWithMissingExperts, s.zeroTokenExperts, s.zeroTokenMatrices,
                              s.lowTokenExperts, s.likelyUnusedExperts]
        #expect(figures == [2, 3, 2, 1, 2, 1, 0])
        #expect(ExpertCoverageText.summary(coverage) == """
            expert coverage: run (per-expert token counts)
            2 MoE layers, 3 expert tensors; 1 expert (layer × id) without tokens in 2 tensors; 1 below 10 tokens
            64 tokens seen; at the routing rates seen so far about 80 tokens (1.2×) would give every expert that got tokens at least 10; experts with none give no rate to extrapolate
            zero-token experts by layer: blk.1: 1
            """)
        #expect(coverage.summaryText == ExpertCoverageText.summary(coverage))
        let full = coverage.text
        #expect(full.contains("blk.1.ffn_up_exps.weight    1        zeros kept  1 filled  skipped  skipped  +1 prior"))
        #expect(full.contains("ik: round(0.05 × 4) = 0, so ik skips every tensor of 4 experts that has a missing expert"))
        #expect(full.contains("the other 1 expert tensor is written as collected by every policy except prior"))
    }

    @Test("A dense run: the summary says there are no expert tensors")
    func denseSummary() {
        let dense = ImatrixCollection(entries: ["blk.0.attn_q.weight": ImatrixEntry(name: "blk.0.attn_q.weight", sums: [1], counts: [16])])
        #expect(ExpertCoverageText.summary(ExpertCoverage(collection: dense))
            == "expert coverage: run (per-expert token counts)\nno expert tensors: this imatrix has only dense tensors")
    }
}
