import Foundation
import Testing
import TestSupport

/// `imx stats` as a user runs it: llama.cpp's table verbatim, JSON, SVG charts, bad input.
@Suite("imx stats")
struct StatsCommandTests {
    static let gemmaImatrix = "reference/gemma3-270m/gemma3-270m.gpl-apache.c512.imatrix.gguf"

    @Test("The table is llama-imatrix --show-statistics's log, prefix stripped, character for character", .needsFixtures)
    func matchesLlamaCppLog() throws {
        let path = try TestEnvironment.fixture(Self.gemmaImatrix)
        let log = try String(contentsOfFile: TestEnvironment.fixture("reference/gemma3-270m/llama-imatrix.show-statistics.log"), encoding: .utf8)
        let prefix = try Regex(#"(?m)^\d+\.\d+\.\d+\.\d+ [A-Z] "#)
        let expected = log.replacing(prefix, with: "")
            .replacingOccurrences(of: "for gemma3-270m.gpl-apache.c512.imatrix.gguf", with: "for \(path)")
        let result = try InspectCommandTests.imx(["stats", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == expected)
    }

    @Test("--json holds the same figures, snake_case, in table order", .needsFixtures)
    func json() throws {
        let result = try InspectCommandTests.imx(["stats", TestEnvironment.fixture(Self.gemmaImatrix), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let tensors = try #require(json["tensors"] as? [[String: Any]])
        #expect(tensors.count == 126)
        let first = tensors[0]
        #expect(first["name"] as? String == "blk.0.attn_k.weight")
        #expect(first["layer"] as? String == "0")
        #expect(first["tensor"] as? String == "attn_k")
        #expect(first["elements"] as? Int == 640)
        #expect(abs((first["sum"] as? Double ?? 0) - 182_255.69) < 0.01)
        #expect(abs((first["normalized_entropy"] as? Double ?? 0) - 75.05) < 0.01)
        #expect(abs((first["z_score_fraction"] as? Double ?? 0) - 0.0172) < 0.0001)
        #expect(first["cosine_similarity"] as? Double == 0)
        let layers = try #require(json["layers"] as? [[String: Any]])
        #expect(layers.map { $0["layer"] as? Int } == Array(0..<18))
        #expect(abs((layers[1]["weighted_sum"] as? Double ?? 0) - 14_687.30) < 0.01)
        #expect((json["skipped"] as? [String])?.isEmpty == true)
    }

    @Test("--svg writes two well-formed SVG files with the expected series", .needsFixtures)
    func svg() throws {
        let directory = try TemporaryDirectory()
        let output = directory.file("charts/nested")
        let path = try TestEnvironment.fixture("moe/tiny-mixtral.gpl-apache.c128x4.imatrix.gguf")
        let result = try InspectCommandTests.imx(["stats", path, "--svg", output])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: output).sorted() == ["importance-curves.svg", "layer-sums.svg"])

        let sums = try MarkupElements.parse(file: output + "/layer-sums.svg")
        #expect(sums.first?.name == "svg")
        let families = sums.filter { $0.attributes["class"] == "series" }.compactMap { $0.attributes["data-name"] }
        #expect(families == ["attn_k", "attn_output", "attn_q", "attn_v", "ffn_down_exps", "ffn_gate_exps", "ffn_gate_inp", "ffn_up_exps"])
        // One polyline per family through the three layers.
        let lines = sums.filter { $0.name == "polyline" }
        #expect(lines.count == 8)
        for line in lines { #expect(line.attributes["points"]?.split(separator: " ").count == 3) }
        #expect(sums.contains { $0.name == "title" && $0.text == "Σ(Act²) per layer and tensor family" })

        // Default selection: blk.0's 8 tensors and the middle block's (blk.1) ffn_down_exps.
        let curves = try MarkupElements.parse(file: output + "/importance-curves.svg")
        let names = curves.filter { $0.attributes["class"] == "series" }.compactMap { $0.attributes["data-name"] }
        #expect(names.count == 9)
        #expect(names.filter { $0.hasPrefix("blk.0.") }.count == 8)
        #expect(names.contains("blk.1.ffn_down_exps.weight"))
    }

    @Test("--tensors selects the curves; long curves are sampled to 800 points", .needsFixtures)
    func tensorsOption() throws {
        let directory = try TemporaryDirectory()
        let path = try TestEnvironment.fixture("moe/tiny-qwen3moe.gpl-apache.c128x4.imatrix.gguf")
        let result = try InspectCommandTests.imx(["stats", path, "--svg", directory.path, "--tensors", #"ffn_down_exps"#])
        #expect(result.status == 0, "\(result.stderr)")
        let curves = try MarkupElements.parse(file: directory.file("importance-curves.svg"))
        let names = curves.filter { $0.attributes["class"] == "series" }.compactMap { $0.attributes["data-name"] }
        #expect(names == ["blk.0.ffn_down_exps.weight", "blk.1.ffn_down_exps.weight"])
        // qwen blk.0 ffn_down_exps: 7 experts with tokens × 128 columns = 896 values, sampled to 800 points.
        let first = try #require(curves.first { $0.name == "polyline" })
        #expect(first.attributes["points"]?.split(separator: " ").count == 800)
    }

    @Test("Bad input: one-line error naming file and field, exit 1, nothing on stdout", .needsFixtures)
    func badInput() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.file("missing.gguf")
        var result = try InspectCommandTests.imx(["stats", missing])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "Error: \(missing): file: no such file\n")

        let model = try TestEnvironment.fixture("moe/tiny-mixtral.gguf")
        result = try InspectCommandTests.imx(["stats", model])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: \(model): general.architecture: 'llama': this is a model, not an importance matrix\n")
        #expect(result.stderr.split(separator: "\n").count == 1)

        for name in ["tiny-mixtral.gpl-apache.c128x4.imatrix.gguf", "tiny-mixtral.gpl-apache.c128x4.imatrix.dat"] {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: TestEnvironment.fixture("moe/" + name)))
            let truncated = directory.file("truncated-" + name)
            try bytes.prefix(1000).write(to: URL(fileURLWithPath: truncated))
            result = try InspectCommandTests.imx(["stats", truncated, "--svg", directory.file("svg")])
            #expect(result.status == 1)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.hasPrefix("Error: \(truncated): "), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(!FileManager.default.fileExists(atPath: directory.file("svg")))
        }

        let notADirectory = directory.file("file.txt")
        try Data("x".utf8).write(to: URL(fileURLWithPath: notADirectory))
        result = try InspectCommandTests.imx(["stats", TestEnvironment.fixture(Self.gemmaImatrix), "--svg", notADirectory])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: \(notADirectory): output: cannot write: exists and is not a directory\n")

        result = try InspectCommandTests.imx(["stats", TestEnvironment.fixture(Self.gemmaImatrix), "--tensors", "(unclosed"])
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("Error: --tensors: '(unclosed' is not a regular expression"), "\(result.stderr)")
    }
}
