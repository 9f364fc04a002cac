import Foundation
import GGUF
import IMatrix
import Testing
import TestSupport

/// `imx sweep` end to end on the tiny MoE fixture: records, reports, sanity of the numbers,
/// base perplexity equal to `imx perplexity`, kill and `--resume`, shards and `sweep-merge`.
@Suite("imx sweep")
struct SweepCommandTests {
    /// A config for tiny-mixtral with absolute paths; `formulas`/`types` vary per test.
    static func config(output: String, types: [String] = ["Q8_0", "Q4_0"],
                       formulas: String = #"["llama", "uniform"]"#) throws -> String {
        let root = TestEnvironment.packageRoot
        return """
            {
              "name": "tiny",
              "model": "\(try TestEnvironment.fixture("moe/tiny-mixtral.gguf"))",
              "calibration": { "texts": ["\(root)/corpora/calibration.txt"], "context": 128, "chunks": 3 },
              "evaluation": { "texts": ["\(root)/corpora/evaluation.txt"], "context": 128, "chunks": 4 },
              "imatrix": { "context": 128, "chunks": 3 },
              "types": \(String(decoding: try JSONEncoder().encode(types), as: UTF8.self)),
              "recipe": [ { "tensors": "ffn_(gate|up|down)_exps", "type": "TYPE" } ],
              "formulas": \(formulas),
              "threads": 2,
              "output": "\(output)"
            }
            """
    }

    static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func lines(_ path: String) -> [String] {
        (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
    }

    @Test("a sweep writes one record per point; KLD is positive and larger for Q4_0 than Q8_0; base PPL is imx perplexity's", .needsFixtures)
    func endToEnd() throws {
        let directory = try TemporaryDirectory()
        let output = directory.file("out")
        try Self.write(try Self.config(output: output), to: directory.file("sweep.json"))
        let run = try InspectCommandTests.imx(["sweep", directory.file("sweep.json")])
        #expect(run.status == 0, "\(run.stderr)")
        let records = Self.lines(output + "/results.jsonl").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(records.count == 4)
        func evaluation(_ variant: String) -> [String: Any]? {
            records.compactMap { $0 }.first { $0["variant"] as? String == variant }?["evaluation"] as? [String: Any]
        }
        let q8 = try #require(evaluation("Q8_0/llama")), q4 = try #require(evaluation("Q4_0/llama"))
        let kld8 = try #require(q8["meanKLD"] as? Double), kld4 = try #require(q4["meanKLD"] as? Double)
        #expect(kld8 > 0 && kld4 > kld8, "KLD Q8_0 \(kld8), Q4_0 \(kld4)")
        #expect((q4["topAgreement"] as? Double ?? 0) < 1)
        for name in ["report.md", "summary.csv", "sweep.json", "plots/kld-by-formula.svg", "cache/evaluation.kld", "cache/imatrix.gguf"] {
            #expect(FileManager.default.fileExists(atPath: output + "/" + name), "\(name)")
        }
        // The base perplexity is exactly what imx perplexity prints for the same text and chunks.
        let perplexity = try InspectCommandTests.imx([
            "perplexity", "-m", try TestEnvironment.fixture("moe/tiny-mixtral.gguf"), "-f", TestEnvironment.packageRoot + "/corpora/evaluation.txt",
            "-c", "128", "--chunks", "4", "-t", "2", "--json"])
        #expect(perplexity.status == 0, "\(perplexity.stderr)")
        let reported = try #require(try JSONSerialization.jsonObject(with: Data(perplexity.stdout.utf8)) as? [String: Any])
        let expected = try #require(reported["perplexity"] as? Double)
        #expect(abs((q4["basePerplexity"] as? Double ?? 0) - expected) <= 1e-9 * expected, "\(q4["basePerplexity"] ?? "nil") vs \(expected)")
        #expect(run.stdout.contains("## Q4_0") && run.stdout.contains("per point"))

        // --emit writes the grid point as a real file: the recipe's tensors in Q4_0, the rest as
        // stored, and imx perplexity on it gives the perplexity the sweep recorded for the point.
        let emitted = directory.file("q4-uniform.gguf")
        let emit = try InspectCommandTests.imx(["sweep", directory.file("sweep.json"), "--emit", "Q4_0/uniform", "-o", emitted])
        #expect(emit.status == 0, "\(emit.stderr)")
        let file = try GGUFFile(path: emitted)
        let source = try GGUFFile(path: try TestEnvironment.fixture("moe/tiny-mixtral.gguf"))
        for tensor in file.tensors {
            let expected: GGMLType = tensor.name.contains("_exps") ? .q4_0 : try source.tensor(named: tensor.name).type
            #expect(tensor.type == expected, "\(tensor.name)")
        }
        #expect(file.metadata["quantize.imx.formula"] == .string("uniform"))
        let measured = try InspectCommandTests.imx([
            "perplexity", "-m", emitted, "-f", TestEnvironment.packageRoot + "/corpora/evaluation.txt", "-c", "128", "--chunks", "4", "-t", "2", "--json"])
        let value = try #require((try JSONSerialization.jsonObject(with: Data(measured.stdout.utf8)) as? [String: Any])?["perplexity"] as? Double)
        let predicted = try #require(evaluation("Q4_0/uniform")?["perplexity"] as? Double)
        #expect(abs(value - predicted) <= 1e-4 * predicted, "the emitted file's PPL \(value), the sweep's \(predicted)")
        let refused = try InspectCommandTests.imx(["sweep", directory.file("sweep.json"), "--emit", "Q5_0/uniform", "-o", directory.file("x.gguf")])
        #expect(refused.status != 0 && refused.stderr.contains("no grid point 'Q5_0/uniform'"), "\(refused.stderr)")
    }

    @Test("SIGKILL mid-sweep, then --resume: the same report as an uninterrupted sweep; shards merge to it too", .needsFixtures)
    func killResumeAndShards() throws {
        let directory = try TemporaryDirectory()
        let formulas = #"["llama", "qw", "uniform", {"name": "lognormal", "lambda": [0.25, 0.5, 1]}, {"name": "floor", "eps": [0.1]}]"#
        func prepare(_ name: String) throws -> (config: String, output: String) {
            let output = directory.file(name)
            try Self.write(try Self.config(output: output, formulas: formulas), to: directory.file(name + ".json"))
            return (directory.file(name + ".json"), output)
        }
        let full = try prepare("full")
        let complete = try InspectCommandTests.imx(["sweep", full.config])
        #expect(complete.status == 0, "\(complete.stderr)")
        let report = try String(contentsOfFile: full.output + "/report.md", encoding: .utf8)
        let summary = try String(contentsOfFile: full.output + "/summary.csv", encoding: .utf8)
        #expect(Self.lines(full.output + "/results.jsonl").count == 14)

        let killed = try prepare("killed")
        let process = Process()
        process.executableURL = try InspectCommandTests.binary()
        process.arguments = ["sweep", killed.config]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while Self.lines(killed.output + "/results.jsonl").count < 2, process.isRunning, Date() < deadline { usleep(1_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let survived = Self.lines(killed.output + "/results.jsonl").count
        #expect(survived >= 2 && survived < 14, "killed after \(survived) of 14 points")
        // A torn line, as a kill in the middle of a write leaves it.
        let handle = try #require(FileHandle(forWritingAtPath: killed.output + "/results.jsonl"))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"fingerprint":"#.utf8))
        try handle.close()
        let refused = try InspectCommandTests.imx(["sweep", killed.config])
        #expect(refused.status != 0 && refused.stderr.contains("--resume"))
        let resumed = try InspectCommandTests.imx(["sweep", killed.config, "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("\(14 - survived) points run, \(survived) already done"))
        #expect(try String(contentsOfFile: killed.output + "/report.md", encoding: .utf8) == report)
        #expect(try String(contentsOfFile: killed.output + "/summary.csv", encoding: .utf8) == summary)

        // Two shards in their own folders, merged.
        var shardFolders: [String] = []
        for index in 0..<2 {
            let shard = try prepare("shard\(index)")
            let run = try InspectCommandTests.imx(["sweep", shard.config, "--shard", "\(index)/2"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(Self.lines(shard.output + "/results.shard-\(index)-of-2.jsonl").count == 7)
            shardFolders.append(shard.output)
        }
        let merged = directory.file("merged")
        let merge = try InspectCommandTests.imx(["sweep-merge", "-o", merged] + shardFolders)
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(try String(contentsOfFile: merged + "/report.md", encoding: .utf8) == report)
        #expect(try String(contentsOfFile: merged + "/summary.csv", encoding: .utf8) == summary)
    }

    @Test("paired scores: each formula against llama on the same tokens, in results, report and --compare", .needsFixtures)
    func pairedScores() throws {
        let directory = try TemporaryDirectory()
        let output = directory.file("out")
        let config = try Self.config(output: output, types: ["Q4_0"], formulas: #"["uniform", "llama", "qw"]"#)
            .replacingOccurrences(of: #""context": 128, "chunks": 4"#, with: #""context": 64, "chunks": 10"#)
        try Self.write(config, to: directory.file("sweep.json"))
        let run = try InspectCommandTests.imx(["sweep", directory.file("sweep.json")])
        #expect(run.status == 0, "\(run.stderr)")
        let records = Self.lines(output + "/results.jsonl").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        func evaluation(_ variant: String) throws -> [String: Any] {
            try #require(records.first { $0["variant"] as? String == variant }?["evaluation"] as? [String: Any])
        }
        // The baseline ran first (though listed second), so every other point was paired as it was scored.
        #expect(records.first?["variant"] as? String == "Q4_0/llama")
        let llama = try evaluation("Q4_0/llama"), uniform = try evaluation("Q4_0/uniform")
        #expect(llama["paired"] == nil)
        let paired = try #require(uniform["paired"] as? [String: Any])
        let kld = try #require(paired["kld"] as? [String: Any]), nll = try #require(paired["nll"] as? [String: Any])
        #expect(paired["baseline"] as? String == "Q4_0/llama" && kld["chunks"] as? Int == 10)
        // The paired means agree with the unpaired statistics computed independently of them.
        let kldDifference = (uniform["meanKLD"] as! Double) - (llama["meanKLD"] as! Double)
        #expect(abs((kld["mean"] as! Double) - kldDifference) < 1e-6 + 1e-4 * abs(kldDifference), "\(kld) vs \(kldDifference)")
        let logRatio = log(uniform["perplexity"] as! Double) - log(llama["perplexity"] as! Double)
        #expect(abs((nll["mean"] as! Double) - logRatio) < 1e-5, "\(nll) vs \(logRatio)")
        let low = try #require(kld["low"] as? Double), high = try #require(kld["high"] as? Double)
        #expect(low <= (kld["mean"] as! Double) && (kld["mean"] as! Double) <= high)
        let report = try String(contentsOfFile: output + "/report.md", encoding: .utf8)
        #expect(report.contains("| ΔKLD vs llama [95%] | verdict |") && report.contains("| baseline |"))

        let compare = try InspectCommandTests.imx(["sweep", directory.file("sweep.json"), "--compare", "Q4_0/uniform,Q4_0/qw"])
        #expect(compare.status == 0, "\(compare.stderr)")
        #expect(compare.stdout.contains("Δ = Q4_0/uniform − Q4_0/qw") && compare.stdout.contains("evaluation: "))
        #expect(compare.stdout.contains("calibration") == FileManager.default.fileExists(atPath: output + "/cache/tokens/calibration"))
        let unknown = try InspectCommandTests.imx(["sweep", directory.file("sweep.json"), "--compare", "Q4_0/uniform,Q4_0/x2"])
        #expect(unknown.status != 0 && unknown.stderr.contains("--compare: no grid point 'Q4_0/x2'"))
        let one = try InspectCommandTests.imx(["sweep", directory.file("sweep.json"), "--compare", "Q4_0/uniform"])
        #expect(one.status != 0 && one.stderr == "Error: --compare: 'Q4_0/uniform' is not two grid points A,B\n")
    }

    @Test("imatrix axes: one imatrix per setting, each what imx compute makes; the grid on each; a table across settings", .needsFixtures)
    func imatrixAxes() throws {
        let directory = try TemporaryDirectory()
        let output = directory.file("out")
        let config = try Self.config(output: output, types: ["Q4_0"], formulas: #"["llama", "uniform"]"#)
            .replacingOccurrences(of: #""imatrix": { "context": 128, "chunks": 3 }"#,
                                  with: #""imatrix": { "context": [64, 128], "chunks": 3, "partial_data": ["keep", "skip"] }"#)
            .replacingOccurrences(of: #""context": 128, "chunks": 4"#, with: #""context": 64, "chunks": 10"#)
        try Self.write(config, to: directory.file("sweep.json"))
        let run = try InspectCommandTests.imx(["sweep", directory.file("sweep.json")])
        #expect(run.status == 0, "\(run.stderr)")
        let records = Self.lines(output + "/results.jsonl").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(records.count == 8)
        let settings = ["context=64,partial_data=keep", "context=64,partial_data=skip", "context=128,partial_data=keep", "context=128,partial_data=skip"]
        #expect(Set(records.compactMap { $0["imatrix"] as? String }) == Set(settings))
        #expect(records.allSatisfy { ($0["type"] as? String) == "Q4_0@\($0["imatrix"] as? String ?? "")" })
        // Every non-baseline point is paired with its own setting's baseline.
        for record in records where record["formula"] as? String == "uniform" {
            let paired = (record["evaluation"] as? [String: Any])?["paired"] as? [String: Any]
            #expect(paired?["baseline"] as? String == "\(record["type"] as! String)/llama")
        }
        // Each setting's imatrix is what imx compute writes for the same settings.
        let description = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + "/sweep.json"))) as? [String: Any])
        let stored = try #require((description["description"] as? [String: Any])?["imatrixSettings"] as? [[String: Any]])
        #expect(stored.compactMap { $0["label"] as? String } == settings)
        let skip128 = try #require(stored.first { $0["label"] as? String == "context=128,partial_data=skip" }?["file"] as? String)
        let computed = directory.file("computed.gguf")
        let compute = try InspectCommandTests.imx(["compute", "-m", try TestEnvironment.fixture("moe/tiny-mixtral.gguf"),
                                                   "-f", TestEnvironment.packageRoot + "/corpora/calibration.txt", "-c", "128", "--chunks", "3",
                                                   "--partial-data", "skip", "--no-ppl", "-t", "2", "-o", computed])
        #expect(compute.status == 0, "\(compute.stderr)")
        let swept = try ImportanceMatrix.read(path: output + "/" + skip128), direct = try ImportanceMatrix.read(path: computed)
        #expect(swept.entries == direct.entries && !swept.entries.isEmpty)
        let keep64 = try ImportanceMatrix.read(path: output + "/" + (stored[0]["file"] as! String))
        #expect(keep64.entries.count > swept.entries.count, "skip leaves out tensors with unrouted experts")
        let report = try String(contentsOfFile: output + "/report.md", encoding: .utf8)
        #expect(report.contains("## Q4_0@context=128,partial_data=skip") && report.contains("## Across imatrix settings"))
        #expect(report.contains("| formula | context=64,partial_data=keep | context=64,partial_data=skip | context=128,partial_data=keep | context=128,partial_data=skip |"))
        let again = try InspectCommandTests.imx(["sweep", directory.file("sweep.json")])
        #expect(again.status == 0 && again.stdout.contains("sweep: up to date"), "\(again.stderr)")
        // Settings hold commas; --compare still finds the two points, here llama under two contexts.
        let compare = try InspectCommandTests.imx(["sweep", directory.file("sweep.json"), "--compare",
                                                   "Q4_0@context=128,partial_data=keep/llama,Q4_0@context=64,partial_data=keep/llama"])
        #expect(compare.status == 0, "\(compare.stderr)")
        #expect(compare.stdout.contains("Δ = Q4_0@context=128,partial_data=keep/llama − Q4_0@context=64,partial_data=keep/llama"))
    }

    @Test("run again: up to date, not an error; partial results need --resume; --restart moves them aside; default output runs/NAME", .needsFixtures)
    func rerunRestartAndDefaultOutput() throws {
        let directory = try TemporaryDirectory()
        // No "output": the sweep writes runs/tiny under the current directory.
        let config = try Self.config(output: "unused").replacingOccurrences(of: ",\n  \"output\": \"unused\"", with: "")
        #expect(!config.contains("unused"), "test setup: the output line is removed")
        try Self.write(config, to: directory.file("sweep.json"))
        let output = directory.file("runs/tiny")
        let first = try InspectCommandTests.imx(["sweep", "sweep.json", "--only", "Q8_0/llama"], in: directory.path)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("→ runs/tiny"), "\(first.stderr)")
        #expect(Self.lines(output + "/results.jsonl").count == 1)
        let report = try String(contentsOfFile: output + "/report.md", encoding: .utf8)

        // Complete: the same command prints the report, says so, and computes nothing.
        let again = try InspectCommandTests.imx(["sweep", "sweep.json", "--only", "Q8_0/llama"], in: directory.path)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("up to date") && again.stdout.contains("## Q8_0"), "\(again.stdout)")
        #expect(!again.stderr.contains("imatrix:") && !again.stderr.contains("reference:"), "\(again.stderr)")
        #expect(Self.lines(output + "/results.jsonl").count == 1)
        #expect(try String(contentsOfFile: output + "/report.md", encoding: .utf8) == report)

        // Partial for this selection: refused without --resume, and nothing changes.
        let refused = try InspectCommandTests.imx(["sweep", "sweep.json", "--only", "Q4_0/llama"], in: directory.path)
        #expect(refused.status != 0 && refused.stderr.contains("--resume") && refused.stderr.contains("--restart"), "\(refused.stderr)")
        #expect(Self.lines(output + "/results.jsonl").count == 1)
        let both = try InspectCommandTests.imx(["sweep", "sweep.json", "--resume", "--restart"], in: directory.path)
        #expect(both.status != 0 && both.stderr.contains("give one of them"), "\(both.stderr)")

        // --restart: the earlier results and report move to runs/tiny/replaced/STAMP/, none is lost.
        let restarted = try InspectCommandTests.imx(["sweep", "sweep.json", "--restart", "--only", "Q4_0/llama"], in: directory.path)
        #expect(restarted.status == 0, "\(restarted.stderr)")
        let variants = Self.lines(output + "/results.jsonl").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["variant"] as? String
        }
        #expect(variants == ["Q4_0/llama"])
        let stamps = try FileManager.default.contentsOfDirectory(atPath: output + "/replaced")
        #expect(stamps.count == 1)
        let replaced = output + "/replaced/" + (stamps.first ?? "")
        #expect(restarted.stderr.contains("moved to runs/tiny/replaced/\(stamps.first ?? "")"), "\(restarted.stderr)")
        #expect(Self.lines(replaced + "/results.jsonl").count == 1)
        #expect(try String(contentsOfFile: replaced + "/report.md", encoding: .utf8) == report)

        // Another model, text or recipe in the same folder: refused, naming -o and --restart.
        try Self.write(config.replacingOccurrences(of: #""context": 128, "chunks": 4"#, with: #""context": 128, "chunks": 3"#),
                       to: directory.file("changed.json"))
        let foreign = try InspectCommandTests.imx(["sweep", "changed.json", "--only", "Q4_0/llama"], in: directory.path)
        #expect(foreign.status != 0 && foreign.stderr.contains("fingerprint") && foreign.stderr.contains("-o"), "\(foreign.stderr)")
        // -o names the folder, relative to the current directory.
        let named = try InspectCommandTests.imx(["sweep", "changed.json", "--only", "Q4_0/llama", "-o", "elsewhere"], in: directory.path)
        #expect(named.status == 0, "\(named.stderr)")
        #expect(Self.lines(directory.file("elsewhere/results.jsonl")).count == 1)
    }

    @Test("--dry-run lists the grid and an estimate; --only runs one point", .needsFixtures)
    func dryRunAndOnly() throws {
        let directory = try TemporaryDirectory()
        let output = directory.file("out")
        try Self.write(try Self.config(output: output), to: directory.file("sweep.json"))
        let dry = try InspectCommandTests.imx(["sweep", directory.file("sweep.json"), "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("4 grid points") && dry.stdout.contains("Q4_0/uniform") && dry.stdout.contains("estimated time"))
        #expect(!FileManager.default.fileExists(atPath: output))
        let one = try InspectCommandTests.imx(["sweep", directory.file("sweep.json"), "--only", "Q4_0/uniform"])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(Self.lines(output + "/results.jsonl").count == 1)
        let unknown = try InspectCommandTests.imx(["sweep", directory.file("sweep.json"), "--only", "Q5_0/llama", "--resume"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no grid point"))
    }

    @Test("bad configs: one error line naming the JSON path, before anything runs", .needsFixtures,
          arguments: [
            (#""formulas": ["llama", "uniform"]"#, #""formulas": ["llama", "nonsense"]"#, "formulas[1]"),
            (#""formulas": ["llama", "uniform"]"#, #""formulas": []"#, "formulas: the grid is empty"),
            (#""formulas": ["llama", "uniform"]"#, #""formulas": [{"name": "lognormal", "lambda": []}]"#, "formulas[0].lambda: the grid is empty"),
            (#""tensors": "ffn_(gate|up|down)_exps""#, #""tensors": "ffn_(gate""#, "recipe[0].tensors: bad regular expression"),
            (#""tensors": "ffn_(gate|up|down)_exps""#, #""tensors": "attn_nothing""#, "recipe[0].tensors"),
            ("evaluation.txt", "calibration.txt", "evaluation.texts[0]: is the calibration text"),
            ("tiny-mixtral.gguf", "no-such-model.gguf", "model:"),
            (#""threads": 2"#, #""thread": 2"#, "thread: unknown key"),
            (#""types": ["Q8_0","Q4_0"]"#, #""types": ["Q8_0","Q9_K"]"#, "types[1]: 'Q9_K' is not a type this project quantizes ("),
            (#""types": ["Q8_0","Q4_0"]"#, #""types": ["Q8_0","q8_0"]"#, "types: a type appears twice"),
            (#""threads": 2"#, #""threads": 2, "metrics": ["rmse", "bleu"]"#, "metrics[1]: unknown metric 'bleu' (rmse, kld, ppl)"),
            (#""threads": 2"#, #""threads": 2, "activations": "f16""#, "activations: 'f16' is neither ggml nor f32"),
            (#""imatrix": { "context": 128, "chunks": 3 }"#, #""imatrix": { "context": 128, "chunks": 3, "partial_data": "prior=x" }"#,
             "imatrix.partial_data: 'prior=x': the prior weight W in prior=W must be an integer ≥ 1"),
            (#""formulas": ["llama", "uniform"]"#, #""formulas": ["llama", {"lambda": [0, 1]}]"#, #"formulas[1].name: JSON formula needs a string "name""#),
            (#""formulas": ["llama", "uniform"]"#, #""formulas": [{"name": "lognormal", "lambda": [0, "x"]}]"#, "formulas[0].lambda[1]: expected a number"),
            (#""formulas": ["llama", "uniform"]"#, #""formulas": [{"name": "expr", "expression": "a*qw", "parameters": {"a": []}}]"#,
             "formulas[0].parameters.a: the grid is empty"),
            (#""formulas": ["llama", "uniform"]"#, #""formulas": ["llama", 3]"#, "formulas[1]: expected a formula string or object"),
            (#""imatrix": { "context": 128, "chunks": 3 }"#, #""imatrix": { "context": [128, 100000], "chunks": 3 }"#,
             "imatrix.context[1]: 100000 is above the model's context length 4096 (llama.context_length)"),
            (#""imatrix": { "context": 128, "chunks": 3 }"#, #""imatrix": { "context": [], "chunks": 3 }"#, "imatrix.context: the axis is empty"),
            (#""imatrix": { "context": 128, "chunks": 3 }"#, #""imatrix": { "context": 128, "chunks": [3, 0] }"#, "imatrix.chunks[1]: must be at least 1, got 0"),
            (#""imatrix": { "context": 128, "chunks": 3 }"#, #""imatrix": { "file": "x.gguf", "chunks": [3, 4] }"#, "imatrix.file: an imatrix file cannot be swept"),
            (#""imatrix": { "context": 128, "chunks": 3 }"#, #""imatrix": { "context": 128, "chunks": 3, "override_kv": [[], ["llama.no_such=int:3"]] }"#,
             "imatrix.override_kv[1][0]: llama.no_such is not a key of"),
            (#""imatrix": { "context": 128, "chunks": 3 }"#, #""imatrix": { "context": 128, "chunks": 3, "override_kv": [[], ["llama.expert_used_count=int:99"]] }"#,
             "imatrix.override_kv[1]: "),
            (#""imatrix": { "context": 128, "chunks": 3 }"#, #""imatrix": { "context": 128, "chunks": 3, "texts": [["nothing-here.txt"]] }"#,
             "imatrix.texts[0][0]: cannot read"),
            (#""context": 128, "chunks": 4"#, #""context": "128", "chunks": 4"#, "evaluation.context: expected an integer"),
            (#""context": 128, "chunks": 4"#, #""context": 64.5, "chunks": 4"#, "evaluation.context: expected an integer, found 64.5"),
            (#""imatrix": { "context": 128, "chunks": 3 }"#, #""imatrix": { "context": 128, "chunks": 3, "override_kv": ["llama.expert_used_count=float:4"] }"#,
             "imatrix.override_kv[0]: "),
            (#""imatrix": { "context": 128, "chunks": 3 }"#, #""imatrix": { "context": 128, "chunks": 3, "override_kv": ["llama.expert_used_count"] }"#,
             "imatrix.override_kv[0]: --override-kv: llama.expert_used_count: expected KEY=TYPE:VALUE"),
            (#""type": "TYPE" } ]"#, #""type": "TYPE" }, ]"#, "json: not valid JSON: line 8, column "),
            (#""chunks": 3 }"#, #""chunks": 3, }"#, "trailing comma before '}'"),
            (#""formulas": ["llama", "uniform"]"#, #""formulas": ["llama", "qw/0"]"#, "formulas: 'qw/0' gives -nan for qw = 0.0"),
            (#""formulas": ["llama", "uniform"]"#, #""formulas": ["llama", "log(-1)"]"#, "formulas: 'log(-1)' gives"),
            (#""formulas": ["llama", "uniform"]"#, #""formulas": ["llama", "sqrt(-qw)"]"#, "formulas: 'sqrt(-qw)' gives -nan"),
            (#""formulas": ["llama", "uniform"]"#, #""formulas": ["llama", "-qw"]"#, "formulas: '-qw' gives -0.0001"),
            (#""formulas": ["llama", "uniform"]"#, #""formulas": ["llama", "1e999"]"#, "formulas: '1e999' gives inf"),
            (#""formulas": ["llama", "uniform"]"#, "\"formulas\": [\"llama\", \"" + String(repeating: "(", count: 40_000) + "qw" + String(repeating: ")", count: 40_000) + "\"]",
             "position 257: the expression nests more than 256 levels deep"),
          ])
    func badConfigs(original: String, replacement: String, expected: String) throws {
        let directory = try TemporaryDirectory()
        let output = directory.file("out")
        let good = try Self.config(output: output)
        #expect(good.contains(original), "test setup: \(original)")
        try Self.write(good.replacingOccurrences(of: original, with: replacement), to: directory.file("bad.json"))
        let run = try InspectCommandTests.imx(["sweep", directory.file("bad.json")])
        #expect(run.status != 0)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1 && run.stderr.contains(expected), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}

extension SweepCommandTests {
    @Test("an imatrix file of another model is refused by --dry-run, naming the entry", .needsFixtures)
    func imatrixOfAnotherModel() throws {
        let directory = try TemporaryDirectory()
        let other = try TestEnvironment.fixture("dense/tiny-llama.gpl-apache.c128x4.imatrix.gguf")
        let config = try Self.config(output: directory.file("out"))
            .replacingOccurrences(of: #""imatrix": { "context": 128, "chunks": 3 }"#, with: #""imatrix": { "file": "\#(other)" }"#)
        #expect(config.contains(other))
        try Self.write(config, to: directory.file("other.json"))
        let run = try InspectCommandTests.imx(["sweep", directory.file("other.json"), "--dry-run"])
        #expect(run.status == 1)
        #expect(run.stderr.split(separator: "\n").count == 1 && run.stderr.contains("imatrix.file: ") && run.stderr.contains("(an imatrix of another model?)"),
                "\(run.stderr)")
    }
}

/// The shipped configs: valid against `configs/schema.json` (Python's jsonschema) and accepted
/// by `imx sweep --dry-run`; the schema rejects what the loader rejects.
@Suite("configs/")
struct ShippedConfigTests {
    /// Every sweep config under configs/ (studies/ too), as paths relative to it.
    static var configs: [String] {
        let root = TestEnvironment.packageRoot + "/configs"
        let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return files.filter { $0.hasSuffix(".json") && $0 != "schema.json" }.sorted()
    }

    static var jsonschemaAvailable: Bool { (try? PythonOracle.run(arguments: ["-c", "import jsonschema"])) != nil }

    @Test("every config validates against schema.json; a config with an unknown key does not",
          .enabled(if: jsonschemaAvailable || TestEnvironment.requireAssets, "python3 cannot import jsonschema (scripts/bootstrap installs it)"))
    func schema() throws {
        let root = TestEnvironment.packageRoot + "/configs/"
        let check = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            for path in sys.argv[2:]:
                errors = list(jsonschema.Draft202012Validator(schema).iter_errors(json.load(open(path))))
                print(path, "ok" if not errors else "invalid: " + errors[0].message)
            """
        let directory = try TemporaryDirectory()
        var bad = try String(contentsOfFile: root + "quickstart.json", encoding: .utf8)
        bad = bad.replacingOccurrences(of: "\"calibration_metrics\"", with: "\"calibration_metric\"")
        try bad.write(toFile: directory.file("bad.json"), atomically: true, encoding: .utf8)
        let output = String(decoding: try PythonOracle.run(arguments: ["-c", check, root + "schema.json"]
            + Self.configs.map { root + $0 } + [directory.file("bad.json")]), as: UTF8.self)
        let lines = output.split(separator: "\n")
        #expect(lines.count == Self.configs.count + 1)
        for line in lines.prefix(Self.configs.count) { #expect(line.hasSuffix(" ok"), "\(line)") }
        #expect(lines.last?.contains("invalid") == true)
        let loader = try InspectCommandTests.imx(["sweep", directory.file("bad.json"), "--dry-run"])
        #expect(loader.status != 0 && loader.stderr.contains("calibration_metric: unknown key"))
    }

    /// (The studies read a corpus that scripts/assemble-corpus writes into runs/; the schema
    /// test checks their configs.)
    @Test("quickstart and lognormal-lambda dry-run on gemma", .needsModel)
    func gemmaDryRun() throws {
        for name in ["quickstart.json", "lognormal-lambda.json"] {
            let run = try InspectCommandTests.imx(["sweep", TestEnvironment.packageRoot + "/configs/" + name, "--dry-run"])
            #expect(run.status == 0, "\(name): \(run.stderr)")
            #expect(run.stdout.contains("estimated time"))
        }
    }

    @Test("runs/ (where sweeps write by default) is git-ignored; the committed records in results/ are not")
    func defaultOutputIsIgnored() throws {
        let root = TestEnvironment.packageRoot
        guard FileManager.default.fileExists(atPath: root + "/.git") else {
            print("skipped: \(root) is not a git checkout")
            return
        }
        func ignored(_ path: String) throws -> Bool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "-C", root, "check-ignore", "-q", "--no-index", path]
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus == 0
        }
        for name in Self.configs {
            let config = try String(contentsOfFile: root + "/configs/" + name, encoding: .utf8)
            #expect(!config.contains("\"output\""), "\(name) names its own output folder")
            let stem = ((name as NSString).lastPathComponent as NSString).deletingPathExtension
            #expect(try ignored("runs/\(stem)/results.jsonl"), "runs/\(stem) is not ignored")
        }
        #expect(try !ignored("results/quickstart/results.jsonl"))
        #expect(try !ignored("results/quickstart/report.md"))
    }

    @Test("moe-fixture dry-runs on the fixture", .needsFixtures)
    func moeDryRun() throws {
        let run = try InspectCommandTests.imx(["sweep", TestEnvironment.packageRoot + "/configs/moe-fixture.json", "--dry-run"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("22 grid points"))
    }
}
