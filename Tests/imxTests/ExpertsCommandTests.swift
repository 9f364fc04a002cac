import Foundation
import GGUF
import Testing
import TestSupport

/// `imx experts` as a user runs it, on llama-imatrix's MoE fixtures: text, JSON, HTML heat
/// maps, legacy files, the model check and bad input.
@Suite("imx experts")
struct ExpertsCommandTests {
    static func fixture(_ name: String) throws -> String { try TestEnvironment.fixture("moe/" + name) }

    @Test("Text: one row per expert tensor with zero-token and low ids, the policy table, the ik rule", .needsFixtures)
    func text() throws {
        let result = try InspectCommandTests.imx(["experts", Self.fixture("tiny-mixtral.gpl-apache.c128x4.imatrix.gguf")])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(lines.contains("3 MoE layers, 9 expert tensors; 3 experts (layer × id) without tokens in 6 tensors; 3 below 32 tokens"))
        #expect(lines.contains("0 ffn_down_exps 8 7 5,6 0 155 248 1,024"))
        #expect(lines.contains("1 ffn_gate_exps 8 - - 55 128 203 1,024"))
        #expect(lines.contains("2 ffn_up_exps 8 0,6 3 0 159 248 1,024"))
        #expect(lines.contains("blk.2.ffn_down_exps.weight 0,6 zeros kept 2 filled skipped skipped +1 prior"))
        #expect(lines.contains("ik: round(0.05 × 8) = 0, so ik skips every tensor of 8 experts that has a missing expert"))
    }

    @Test("--json: the same data, snake_case; --min-tokens moves the low threshold", .needsFixtures)
    func json() throws {
        let result = try InspectCommandTests.imx(["experts", Self.fixture("tiny-qwen3moe.gpl-apache.c128x1.imatrix.gguf"),
                                                  "--json", "--min-tokens", "25"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["counts_recoverable"] as? Bool == true)
        #expect(json["minimum_tokens"] as? Int == 25)
        let summary = try #require(json["summary"] as? [String: Any])
        #expect(summary["moe_layers"] as? Int == 2)
        #expect(summary["zero_token_experts"] as? Int == 4)
        let tensors = try #require(json["tensors"] as? [[String: Any]])
        let down0 = try #require(tensors.first { $0["name"] as? String == "blk.0.ffn_down_exps.weight" })
        #expect(down0["tokens_per_expert"] as? [Int] == [61, 56, 0, 52, 42, 21, 24, 0])
        #expect(down0["zero_token_experts"] as? [Int] == [2, 7])
        #expect(down0["low_token_experts"] as? [Int] == [5, 6])
        #expect(down0["routed_tokens"] as? Int == 256)
        let policies = try #require(down0["policies"] as? [[String: Any]])
        #expect(policies.map { $0["policy"] as? String } == ["keep", "fill-one", "ik", "skip", "prior=1"])
        #expect(policies.map { $0["written"] as? Bool } == [true, true, false, false, true])
    }

    @Test("--html: one heat-map cell per (layer, expert) per family, zero-token cells marked, hover titles", .needsFixtures)
    func html() throws {
        let directory = try TemporaryDirectory()
        let page = directory.file("coverage.html")
        let result = try InspectCommandTests.imx(["experts", Self.fixture("tiny-mixtral.gpl-apache.c128x1.imatrix.gguf"), "--html", page])
        #expect(result.status == 0, "\(result.stderr)")
        let elements = try MarkupElements.parse(file: page)
        #expect(elements.first?.name == "html")
        #expect(!elements.contains { $0.name == "script" || $0.name == "link" || $0.attributes["src"] != nil })
        let figures = elements.filter { $0.name == "figure" }
        #expect(figures.compactMap { $0.attributes["data-family"] } == ["ffn_down_exps", "ffn_gate_exps", "ffn_up_exps"])
        let cells = elements.filter { $0.name == "rect" && ($0.attributes["class"] ?? "").split(separator: " ").first == "cell" }
        #expect(cells.count == 3 * 3 * 8)
        let positions = Set(cells.map { "\($0.attributes["data-row"]!),\($0.attributes["data-column"]!)" })
        #expect(positions.count == 3 * 8)
        // Zero-token experts of the ×1 run: blk.0 6,7; blk.2 0,3,6 — in each of the three families.
        let marked = cells.filter { $0.attributes["class"] == "cell marked" }
        #expect(marked.count == 3 * 5)
        let titles = elements.filter { $0.name == "title" }.map(\.text)
        #expect(titles.contains("layer 0 · expert 7 · 0 tokens"))
        #expect(titles.contains("layer 1 · expert 0 · 41 tokens"))
        #expect(titles.contains("layer 2 · expert 4 · 61 tokens"))
        #expect(elements.contains { $0.name == "table" })
    }

    @Test("Legacy .dat: counts not recoverable; with -m the filled experts are found, without it the split is unknown", .needsFixtures)
    func legacy() throws {
        let dat = try Self.fixture("tiny-qwen3moe.gpl-apache.c128x4.imatrix.dat")
        var result = try InspectCommandTests.imx(["experts", dat])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("legacy imatrix.dat, per-expert counts not recoverable"))
        #expect(result.stdout.contains("the expert split is unknown without -m MODEL"))

        let directory = try TemporaryDirectory()
        result = try InspectCommandTests.imx(["experts", dat, "-m", Self.fixture("tiny-qwen3moe.gguf"), "--html", directory.file("r.html")])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(lines.contains("0 ffn_down_exps 8 not recoverable 7"))
        #expect(lines.contains("1 ffn_up_exps 8 not recoverable 1,7"))
        #expect(result.stdout.contains("3 likely unused (filled with importance 1 by the writer)"))
        let elements = try MarkupElements.parse(file: directory.file("r.html"))
        let cells = elements.filter { $0.name == "rect" && ($0.attributes["class"] ?? "").split(separator: " ").first == "cell" }
        #expect(cells.count == 3 * 2 * 8)
        #expect(cells.filter { $0.attributes["class"] == "cell marked" }.count == 3 * 3)
        #expect(cells.filter { $0.attributes["class"] == "cell unknown" }.count == 3 * (16 - 3))
    }

    @Test("-m with the right model: no size error, nothing missing", .needsFixtures)
    func modelCheck() throws {
        let result = try InspectCommandTests.imx(["experts", Self.fixture("tiny-mixtral.gpl-apache.c128x4.imatrix.gguf"),
                                                  "-m", Self.fixture("tiny-mixtral.gguf"), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((json["missing_from_imatrix"] as? [String])?.isEmpty == true)
        #expect((json["not_in_model"] as? [String])?.isEmpty == true)
    }

    @Test("Bad input: a model whose expert tensors have other sizes, an imatrix as -m, a missing file: one line, exit 1", .needsFixtures)
    func badInput() throws {
        let directory = try TemporaryDirectory()
        let imatrix = try Self.fixture("tiny-mixtral.gpl-apache.c128x4.imatrix.gguf")
        // A model like tiny-mixtral whose down experts take 96 inputs instead of 128.
        var writer = GGUFWriter()
        writer.metadata.set("general.architecture", .string("llama"))
        try writer.addTensor(name: "blk.0.ffn_down_exps.weight", shape: [96, 4, 8], float32: [Float](repeating: 0, count: 96 * 4 * 8))
        let model = directory.file("other.gguf")
        try writer.write(to: model)
        let html = directory.file("report.html")
        var result = try InspectCommandTests.imx(["experts", imatrix, "-m", model, "--html", html])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "Error: \(imatrix): blk.0.ffn_down_exps.weight: 1024 values, but \(model) has 96 columns × 8 matrices = 768 for this tensor (an imatrix of another model?)\n")
        #expect(!FileManager.default.fileExists(atPath: html))

        result = try InspectCommandTests.imx(["experts", imatrix, "-m", imatrix])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: \(imatrix): general.type: this is an imatrix, not a model (-m takes the model GGUF)\n")

        let missing = directory.file("none.gguf")
        result = try InspectCommandTests.imx(["experts", missing])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: \(missing): file: no such file\n")

        result = try InspectCommandTests.imx(["experts", imatrix, "--min-tokens", "0"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--min-tokens must be at least 1"))
    }

    @Test("A dense imatrix: no expert tensors", .needsFixtures)
    func dense() throws {
        let result = try InspectCommandTests.imx(["experts", TestEnvironment.fixture("reference/gemma3-270m/gemma3-270m.gpl-apache.c512.imatrix.gguf")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("no expert tensors: this imatrix has only dense tensors"))
    }
}
