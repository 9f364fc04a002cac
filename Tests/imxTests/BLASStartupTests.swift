import Foundation
import Testing
import Kernels
import TestSupport

/// The BLAS kernel check as a user meets it: `IMX_BLAS_CORE=NAME` re-executes imx with that
/// core after a verification in a child process (cached), bad settings are one-line errors,
/// and `imx bench blas` measures the forward pass's shapes.
@Suite("BLAS start-up and bench blas")
struct BLASStartupTests {
    /// Runs imx with extra environment variables.
    static func imx(_ arguments: [String], environment extra: [String: String]) throws -> (stdout: String, stderr: String, status: Int32) {
        let process = Process()
        process.executableURL = try InspectCommandTests.binary()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = nil
        environment["IMX_BLAS_CORE_APPLIED"] = nil
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self), process.terminationStatus)
    }

    #if arch(x86_64) && os(Linux)
    @Test("IMX_BLAS_CORE=Haswell: verified in a child once (then from the cache), imx re-executed with it, one stderr line")
    func namedCoreIsVerifiedAndApplied() throws {
        let cache = try TemporaryDirectory()
        let environment = ["IMX_BLAS_CORE": "Haswell", "XDG_CACHE_HOME": cache.path]
        let first = try Self.imx(["bench", "machine", "-t", "1"], environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        let notes = first.stderr.split(separator: "\n")
        #expect(notes.count == 1 && notes[0].hasPrefix("BLAS: OpenBLAS ") && notes[0].hasSuffix("IMX_BLAS_CORE asks for Haswell; using Haswell (verified)"),
                "\(first.stderr)")
        #expect(first.stdout.contains("core Haswell (set by imx (Haswell, verified))"), "\(first.stdout)")
        let recorded = try String(contentsOfFile: cache.file("imatrix-lab/blas-cores.tsv"), encoding: .utf8)
        #expect(recorded.hasSuffix("\tHaswell\tverified\n"), "\(recorded)")
        // The cached verdict is used: a rejected entry written by hand is believed.
        try recorded.replacingOccurrences(of: "\tverified\n", with: "\tsgemm differs (planted)\n")
            .write(toFile: cache.file("imatrix-lab/blas-cores.tsv"), atomically: true, encoding: .utf8)
        let rejected = try Self.imx(["bench", "machine", "-t", "1"], environment: environment)
        #expect(rejected.status == 0, "\(rejected.stderr)")
        #expect(rejected.stderr.contains("Haswell failed verification (sgemm differs (planted)); keeping"), "\(rejected.stderr)")
        #expect(!rejected.stdout.contains("set by imx"))
    }

    @Test("the user's OPENBLAS_CORETYPE wins over IMX_BLAS_CORE, with a note; IMX_BLAS_CORE=keep is silent")
    func usersCoreWins() throws {
        let run = try Self.imx(["bench", "machine", "-t", "1"], environment: ["OPENBLAS_CORETYPE": "Haswell", "IMX_BLAS_CORE": "SkylakeX"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("IMX_BLAS_CORE=SkylakeX not applied: OPENBLAS_CORETYPE=Haswell is set"), "\(run.stderr)")
        #expect(run.stdout.contains("core Haswell (OPENBLAS_CORETYPE=Haswell (the user's)"), "\(run.stdout)")
        // On a CPU newer than Haswell the machine block says what the user's choice costs.
        if CPUFeatures.current.level > .avx2 {
            #expect(run.stdout.contains("; the CPU supports SkylakeX: unset OPENBLAS_CORETYPE to let imx choose)"), "\(run.stdout)")
        }
        let quiet = try Self.imx(["bench", "machine", "-t", "1"], environment: ["IMX_BLAS_CORE": "keep"])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
    }

    @Test("the verification child reports the core it ran and that it verified")
    func verificationChild() throws {
        let run = try Self.imx(["--imx-verify-blas-core"], environment: ["OPENBLAS_CORETYPE": "Haswell", "IMX_BLAS_CORE": "keep"])
        #expect(run.status == 0)
        #expect(run.stdout == "core Haswell\nverified\n", "\(run.stdout)")
    }
    #endif

    @Test("bad settings: an unknown IMX_BLAS_CORE, -t 0, -t above 4096 are one-line errors",
          arguments: [(["IMX_BLAS_CORE": "fastest"], ["bench", "machine"], "IMX_BLAS_CORE: 'fastest' is not auto, keep or an OpenBLAS"),
                      ([:], ["bench", "machine", "-t", "0"], "--threads: must be at least 1, got 0"),
                      ([:], ["bench", "machine", "-t", "5000"], "--threads: must be at most 4096, got 5000"),
                      ([:], ["bench", "blas", "--batch", "0"], "--batch: '0' is not a comma-separated list")])
    func badSettings(_ environment: [String: String], _ arguments: [String], _ expected: String) throws {
        let run = try Self.imx(arguments, environment: environment)
        #expect(run.status != 0)
        #expect(run.stderr.contains(expected), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").first?.contains(expected) == true, "\(run.stderr)")
    }

    @Test("imx bench blas -m gemma: one row per product shape of the model, the core and the peak", .needsModel)
    func benchBlas() throws {
        let run = try Self.imx(["bench", "blas", "-m", TestEnvironment.gemmaModel(), "--batch", "64", "--repetitions", "1", "-t", "2", "--json"],
                               environment: [:])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let machine = try #require(report["machine"] as? [String: Any])
        #expect((machine["blas_core"] as? String)?.isEmpty == false)
        #expect((machine["peak_gigaflops"] as? Double ?? 0) > 0)
        let batches = try #require(report["batches"] as? [[String: Any]])
        let results = try #require(batches.first?["results"] as? [[String: Any]])
        let names = Set(results.compactMap { ($0["shape"] as? [String: Any])?["name"] as? String })
        #expect(names == ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down", "output (1024-row block)"], "\(names)")
        #expect(results.allSatisfy { ($0["gigaflops"] as? Double ?? 0) > 0 })
        let output = try #require(results.first { ($0["shape"] as? [String: Any])?["name"] as? String == "output (1024-row block)" })
        let shape = try #require(output["shape"] as? [String: Any])
        // 262,144 vocabulary rows in 256 blocks of 1,024; gemma ties the output to token_embd.
        #expect(shape["count"] as? Int == 256 && shape["k"] as? Int == 640 && shape["m"] as? Int == 64)
    }
}
