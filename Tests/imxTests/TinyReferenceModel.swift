import Foundation
import IMatrix
import Testing
import TestSupport

/// A tiny model whose llama.cpp references are committed in Tests/References
/// (`scripts/generate-test-references`): writing it, checking it is the file the references were
/// made from, running imx on it with the references' settings (`-c 128 --chunks 4 -t 2` on
/// gpl3-apache2.txt), and comparing with llama-imatrix and llama-perplexity.
struct TinyReferenceModel {
    let spec: TinyModelSpec
    static let references = TestEnvironment.packageRoot + "/Tests/References/"

    /// `tiny-NAME.gpl-apache.c128x4`, the references' file prefix.
    var prefix: String { "tiny-\(spec.name).gpl-apache.c128x4" }

    /// Writes the model into `directory`; with `IMX_EXPORT_TINY_MODELS=DIR` also copies it there
    /// (the generator script hands the copies to llama.cpp).
    func write(in directory: TemporaryDirectory) throws -> String {
        let path = try TinyModels.write(spec, in: directory)
        if let export = ProcessInfo.processInfo.environment["IMX_EXPORT_TINY_MODELS"] {
            let target = export + "/" + (path as NSString).lastPathComponent
            try? FileManager.default.removeItem(atPath: target)
            try FileManager.default.copyItem(atPath: path, toPath: target)
        }
        return path
    }

    /// The written model's sha256 equals the one recorded with the references.
    func expectCurrent() throws {
        let directory = try TemporaryDirectory()
        let path = try write(in: directory)
        let recorded = try String(contentsOfFile: Self.references + "tiny-\(spec.name).gguf.sha256", encoding: .utf8)
            .split(separator: " ").first.map(String.init)
        #expect(try SplitModelTests.sha256(path) == recorded,
                "TinyModels \(spec.name) changed: run scripts/generate-test-references to remake its llama.cpp references")
    }

    /// `imx COMMAND -m MODEL -f gpl3-apache2.txt -c 128 --chunks 4 -t 2 …` in `directory`.
    func run(_ command: String, in directory: TemporaryDirectory, extra: [String] = []) throws -> (stdout: String, stderr: String, status: Int32) {
        let model = try write(in: directory)
        let text = directory.file("gpl3-apache2.txt")
        if !FileManager.default.fileExists(atPath: text) {
            try FileManager.default.copyItem(atPath: TestEnvironment.fixture("text/gpl3-apache2.txt"), toPath: text)
        }
        return try InspectCommandTests.imx([command, "-m", model, "-f", "gpl3-apache2.txt", "-c", "128", "--chunks", "4",
                                            "-t", "2"] + extra, in: directory.path)
    }

    /// Against llama-imatrix with float32 attention (`-fa off -ctk f32 -ctv f32`): every entry and
    /// count, sums within `rtol` (`tighter` by name prefix). Against its default run (F16 K/V
    /// cache): the same entries and token totals, every entry at cosine ≥ `minimumCosine`.
    func expectImatrixMatches(_ ours: ImportanceMatrix, rtol: Double, tighter: [String: Double],
                              minimumCosine: Double = 0.9999) throws {
        let exact = try ImportanceMatrix.read(path: Self.references + prefix + ".f32kv.imatrix.gguf")
        ImatrixComparison.expectMatches(ours, exact, rtol: rtol, tighter: tighter, what: "\(spec.name) f32 K/V")
        let defaults = try ImportanceMatrix.read(path: Self.references + prefix + ".imatrix.gguf")
        #expect(ours.entries.map(\.name) == defaults.entries.map(\.name))
        for theirs in defaults.entries {
            guard let mine = ours.entry(named: theirs.name) else { continue }
            #expect(mine.counts.reduce(0, +) == theirs.counts.reduce(0, +), "\(theirs.name): token totals")
            let cosine = ImatrixComparison.similarity(mine.values, theirs.values).cosine
            #expect(cosine >= minimumCosine, "\(theirs.name): cosine \(cosine) against llama-imatrix's default run")
        }
    }

    /// The running PPL printed in `stdout` is the one in reference log `log` within `tolerance`.
    func expectRunningPerplexity(_ stdout: String, log: String, tolerance: Double = 1e-4) throws {
        let text = try String(contentsOfFile: Self.references + log, encoding: .utf8)
        let expected = ComputeCommandTests.runningPerplexity(text), printed = ComputeCommandTests.runningPerplexity(stdout)
        #expect(printed.count == 4 && expected.count == 4, "\(stdout)")
        for (mine, theirs) in zip(printed, expected) { #expect(abs(mine / theirs - 1) < tolerance, "running PPL \(mine) vs \(theirs)") }
    }
}
