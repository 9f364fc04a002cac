import Foundation
import GGUF
import IMatrix
import Testing
import TestSupport

/// `imx diagnose` end to end: gemma's feed-forward inputs, the f32bin dumps read back with a
/// reader written here, the imatrix of the same pass against `imx compute`'s, expert tensors
/// on the tiny Mixtral, and one-line errors for bad input.
@Suite("imx diagnose")
struct DiagnoseCommandTests {
    static func imx(_ arguments: [String]) throws -> (stdout: String, stderr: String, status: Int32) {
        try InspectCommandTests.imx(arguments)
    }

    /// Reads an f32bin file: int64 rows, int64 columns (little-endian), float32 values.
    static func readF32Bin(_ path: String) throws -> (rows: Int, columns: Int, values: [Float]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let bytes = [UInt8](data)
        func int64(at offset: Int) -> Int {
            Int((0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) })
        }
        let rows = int64(at: 0), columns = int64(at: 8)
        try #require(bytes.count == 16 + rows * columns * 4, "\(path): \(bytes.count) bytes for \(rows) × \(columns)")
        let values = (0..<(rows * columns)).map { index -> Float in
            let o = 16 + index * 4
            return Float(bitPattern: UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24)
        }
        return (rows, columns, values)
    }

    /// Whether librsvg's `rsvg-convert` is on the PATH.
    static let rendererAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sh", "-c", "command -v rsvg-convert"]
        process.standardOutput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("gemma ffn: the down/gate-up finding follows the numbers; dumps and imatrix round-trip", .needsModel, .needsFixtures)
    func gemmaFeedForward() throws {
        let model = try TestEnvironment.gemmaModel()
        let text = try TestEnvironment.fixture("text/gpl3-apache2.txt")
        let directory = try TemporaryDirectory()
        let run = try Self.imx(["diagnose", "-m", model, "-f", text, "--chunks", "2", "--tensors", "ffn_(gate|up|down)",
                                "--bits", "2,4", "--sample-rows", "64", "--dump", directory.file("dump"),
                                "-o", directory.file("diag.imatrix.gguf"), "--json", "-t", "2",
                                "--html", directory.file("report.html"), "--svg", directory.file("figures")])
        try #require(run.status == 0, "\(run.stderr)")
        let result = try Self.json(run.stdout)
        let tensors = try #require(result["tensors"] as? [[String: Any]])
        #expect(tensors.count == 54)
        func share(_ family: String) -> [Double] {
            tensors.filter { $0["family"] as? String == family }
                .compactMap { ($0["activations"] as? [String: Any])?["top1_percent_power_share"] as? Double }
        }
        let down = share("down"), gateUp = share("gate") + share("up")
        #expect(down.count == 18 && gateUp.count == 36)
        let downMean = down.reduce(0, +) / 18, otherMean = gateUp.reduce(0, +) / 36
        let findings = try #require(result["findings"] as? [String])
        let statement = try #require(findings.first { $0.hasPrefix("ffn_down ") })
        #expect(statement.hasPrefix(downMean > otherMean ? "ffn_down has a higher" : "ffn_down does NOT have a higher"), "\(statement)")
        print("gemma: ffn_down top-1% power share \(downMean), gate/up \(otherMean): \(statement)")
        for tensor in tensors {
            let searches = try #require(tensor["scale_search"] as? [[String: Any]])
            #expect(searches.count == 2)
            #expect(searches.allSatisfy { ($0["alphas"] as? [Double])?.count == 21 })
        }

        // Dumps: the weights are the file's values, the activations 64 sampled rows.
        let file = try GGUFFile(path: model)
        let weights = try Self.readF32Bin(directory.file("dump/blk_3_ffn_down_weight.f32bin"))
        #expect(weights.rows == 640 && weights.columns == 2048)
        #expect(weights.values == (try file.dequantize(try file.tensor(named: "blk.3.ffn_down.weight"), threads: 2)))
        let activations = try Self.readF32Bin(directory.file("dump/act_blk3_ffn_act.f32bin"))
        #expect(activations.rows == 64 && activations.columns == 2048)
        let norm = try Self.readF32Bin(directory.file("dump/act_blk3_ffn_norm.f32bin"))
        #expect(norm.rows == 64 && norm.columns == 640)
        let dumped = try FileManager.default.contentsOfDirectory(atPath: directory.file("dump"))
        #expect(dumped.count == 54 + 36)   // one weight file per tensor, two inputs per block

        // The figures: well-formed XML, embedded in the page, and rendered by librsvg to
        // pictures that are neither blank nor solid.
        let page = try Data(contentsOf: URL(fileURLWithPath: directory.file("report.html")))
        let elements = try MarkupElements.parse(page)
        let svgFiles = try FileManager.default.contentsOfDirectory(atPath: directory.file("figures")).filter { $0.hasSuffix(".svg") }.sorted()
        #expect(svgFiles.count >= 4)
        #expect(elements.filter { $0.name == "svg" }.count >= svgFiles.count)
        #expect(String(decoding: page, as: UTF8.self).contains("ffn_down has a"))
        for file in svgFiles { _ = try MarkupElements.parse(try Data(contentsOf: URL(fileURLWithPath: directory.file("figures/" + file)))) }
        if Self.rendererAvailable || TestEnvironment.requireAssets {
            let rendered = try #require(try PythonOracle.json("render_svg.py", svgFiles.map { directory.file("figures/" + $0) }) as? [[String: Any]])
            #expect(rendered.count == svgFiles.count)
            for figure in rendered {
                let inked = try #require(figure["inked"] as? Double)
                #expect(inked > 0.005 && inked < 0.95, "\(figure)")
            }
        } else {
            print("skipping the rendering of the figures: rsvg-convert is not installed (scripts/bootstrap installs it)")
        }

        // The imatrix collected in the same pass is the one `imx compute` writes.
        let compute = try Self.imx(["compute", "-m", model, "-f", text, "--chunks", "2", "--no-ppl", "-t", "2",
                                    "-o", directory.file("compute.imatrix.gguf")])
        try #require(compute.status == 0, "\(compute.stderr)")
        let ours = try ImportanceMatrix.read(path: directory.file("diag.imatrix.gguf"))
        let reference = try ImportanceMatrix.read(path: directory.file("compute.imatrix.gguf"))
        #expect(ours.entries.map(\.name) == reference.entries.map(\.name))
        for (a, b) in zip(ours.entries, reference.entries) {
            #expect(a.values == b.values && a.counts == b.counts, "\(a.name)")
        }
    }

    @Test("Expert tensors: per-expert rows equal the imatrix counts of the same pass", .needsFixtures)
    func expertTensors() throws {
        let model = try TestEnvironment.fixture("moe/tiny-mixtral.gguf")
        let text = try TestEnvironment.fixture("text/gpl3-apache2.txt")
        let directory = try TemporaryDirectory()
        let run = try Self.imx(["diagnose", "-m", model, "-f", text, "-c", "128", "--chunks", "2", "--tensors", "blk\\.0\\.",
                                "--bits", "3", "--sample-rows", "200", "-o", directory.file("m.gguf"), "--json", "-t", "2"])
        try #require(run.status == 0, "\(run.stderr)")
        let tensors = try #require(try Self.json(run.stdout)["tensors"] as? [[String: Any]])
        let stored = try ImportanceMatrix.read(path: directory.file("m.gguf"))
        let experts = tensors.filter { $0["family"] as? String == "experts" }
        #expect(experts.count == 3)
        for tensor in experts {
            let name = try #require(tensor["name"] as? String)
            let rows = try #require(tensor["expert_rows"] as? [Double])
            let entry = try #require(stored.entries.first { $0.name == name })
            #expect(rows == entry.counts.map(Double.init), "\(name)")
            #expect((tensor["scale_search"] as? [[String: Any]])?.count == 1)
        }
        #expect(tensors.contains { $0["family"] as? String == "router" })

        // The written imatrix, read back with --imatrix, gives the same ggml comparison.
        let again = try Self.imx(["diagnose", "-m", model, "-f", text, "-c", "128", "--chunks", "2", "--tensors", "blk\\.0\\.",
                                  "--bits", "3", "--sample-rows", "200", "--imatrix", directory.file("m.gguf"), "--json", "-t", "2"])
        try #require(again.status == 0, "\(again.stderr)")
        let reread = try #require(try Self.json(again.stdout)["tensors"] as? [[String: Any]])
        func ggml(_ list: [[String: Any]]) -> [Double] {
            list.compactMap { (($0["scale_search"] as? [[String: Any]])?.first)?["ggml_llama_error"] as? Double }
        }
        #expect(ggml(tensors).count == tensors.count && ggml(tensors) == ggml(reread))
    }

    @Test("Without sampled rows there is no scale search, and the text report still renders", .needsFixtures)
    func noSampledRows() throws {
        let run = try Self.imx(["diagnose", "-m", try TestEnvironment.fixture("dense/tiny-llama.gguf"),
                                "-f", try TestEnvironment.fixture("text/gpl3-apache2.txt"), "-c", "128", "--chunks", "1",
                                "--sample-rows", "0", "--bits", "3"])
        try #require(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Findings:") && run.stdout.contains("blk.0.ffn_down.weight"))
        #expect(!run.stdout.contains("AWQ scaling cuts"))
        #expect(run.stderr.contains("tokens/s") && run.stderr.contains("peak memory"))
    }

    @Test("--sweep compares the sweep's best formula per type (least eval KLD)", .needsFixtures)
    func sweepBestFormula() throws {
        let sweep = TestEnvironment.packageRoot + "/results/quickstart"
        var best: [String: (kld: Double, formula: String)] = [:]
        for line in try String(contentsOfFile: sweep + "/results.jsonl", encoding: .utf8).split(separator: "\n") {
            let record = try Self.json(String(line))
            let type = try #require(record["type"] as? String), formula = try #require(record["formula"] as? String)
            let kld = try #require((record["evaluation"] as? [String: Any])?["meanKLD"] as? Double)
            if best[type].map({ kld < $0.kld }) ?? true { best[type] = (kld, formula) }
        }
        let run = try Self.imx(["diagnose", "-m", try TestEnvironment.fixture("dense/tiny-llama.gguf"),
                                "-f", try TestEnvironment.fixture("text/gpl3-apache2.txt"), "-c", "128", "--chunks", "1",
                                "--tensors", "blk\\.0\\.attn_output", "--bits", "2,3,4", "--sweep", sweep, "--json"])
        try #require(run.status == 0, "\(run.stderr)")
        let result = try Self.json(run.stdout)
        #expect(result["formula"] as? String == best.keys.sorted().map { "\($0): \(best[$0]!.formula)" }.joined(separator: ", "))
        let tensor = try #require((result["tensors"] as? [[String: Any]])?.first)
        for search in try #require(tensor["scale_search"] as? [[String: Any]]) {
            let bits = try #require(search["bits"] as? Int)
            #expect(search["formula"] as? String == best["Q\(bits)_K"]?.formula, "bits \(bits)")
            #expect(search["ggml_formula_error"] as? Double != nil)
        }
    }

    @Test("Bad input: one line naming the option, non-zero exit", .needsFixtures)
    func badInput() throws {
        let model = try TestEnvironment.fixture("dense/tiny-llama.gguf")
        let text = try TestEnvironment.fixture("text/gpl3-apache2.txt")
        let directory = try TemporaryDirectory()
        try Data("x".utf8).write(to: URL(fileURLWithPath: directory.file("plain")))
        let base = ["diagnose", "-m", model, "-f", text, "-c", "128", "--chunks", "1"]
        let cases: [([String], String)] = [
            (["--tensors", "attn_nothing"], "matches none of the model's"),
            (["--tensors", "blk.(("], "not a valid regular expression"),
            (["--bits", "9"], "--bits: 9 is outside 2…8"),
            (["--bits", "1,4"], "--bits: 1 is outside 2…8"),
            (["--bits", "4,x"], "--bits: 'x' is not a whole number"),
            (["--dump", directory.file("plain/sub")], "plain/sub"),
            (["--formula", "nonsense("], "--formula"),
            (["--sweep", directory.path], "no sweep results"),
        ]
        for (extra, expected) in cases {
            let run = try Self.imx(base + extra)
            #expect(run.status != 0, "\(extra)")
            let lines = run.stderr.split(separator: "\n").filter { !$0.isEmpty }
            #expect(lines.count == 1, "\(extra): \(run.stderr)")
            #expect(run.stderr.contains(expected), "\(extra): \(run.stderr)")
            #expect(run.stdout.isEmpty, "\(extra)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.file("plain/sub")))
    }
}
