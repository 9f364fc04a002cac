import Foundation
import Testing
import TestSupport

/// CI's fuzzing smoke: every `imx fuzz` target for a few seconds from its saved corpus
/// (Tests/Fuzz/corpus/TARGET) and built-in seeds, with no crash, hang, memory finding or
/// unclean (multi-line, raw-control, unnamed) error — about 35 s in all.
@Suite("Fuzzing smoke", .serialized)
struct FuzzSmokeTests {
    static let readerTargets = ["gguf", "imatrix-gguf", "imatrix-dat", "sweep-config", "formula", "vocabulary"]

    static func fuzz(_ target: String, extra: [String] = []) throws {
        let findings = try TemporaryDirectory()
        let corpus = TestEnvironment.packageRoot + "/Tests/Fuzz/corpus/" + target
        let run = try InspectCommandTests.imx(["fuzz", target, "--seconds", "5", "--corpus", corpus,
                                               "--findings", findings.path, "--json"] + extra)
        #expect(run.status == 0, "\(target): \(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)")
        #expect((report["executions"] as? Int ?? 0) > 1000, "\(target): \(report)")
        for key in ["crashes", "hangs", "memory", "unclean"] {
            #expect(report[key] as? Int == 0, "\(target): \(key) in \(report)")
        }
        let found = try findings.contents()
        #expect(found.isEmpty, "\(target): findings \(found)")
    }

    @Test("Reader targets: five seconds each on the saved corpus, nothing found", arguments: readerTargets)
    func readers(_ target: String) throws {
        try Self.fuzz(target)
    }

    @Test("The tokenizer target on gemma-3-270m's vocabulary", .needsModel)
    func tokenizer() throws {
        try Self.fuzz("tokenizer", extra: ["--model", try TestEnvironment.gemmaModel()])
    }
}
