import Foundation
import Testing
import TestSupport

/// `imx quantize-raw` / `imx dequantize-raw` / `imx quantize-error` as a user runs them.
@Suite("imx quantize-raw, dequantize-raw, quantize-error")
struct RawQuantizeCommandTests {
    static func imx(_ arguments: [String]) throws -> (stdout: String, stderr: String, status: Int32) {
        try InspectCommandTests.imx(arguments)
    }

    static func fixture(_ type: String, _ set: String, importance: Bool) throws -> QuantFixtures.Case {
        try #require(try QuantFixtures.cases().first { $0.type == type && $0.set == set && $0.importance == importance })
    }

    @Test("quantize-raw reproduces ggml's bytes; dequantize-raw its floats", .needsFixtures,
          arguments: [("Q4_K", "gemma3_blk0_ffn_down", true), ("IQ4_NL", "stress", true), ("IQ2_XXS", "gauss", true), ("Q2_K", "gauss", false), ("Q5_0", "gemma3_blk5_attn_q", true)])
    func roundTrip(_ type: String, _ set: String, _ importance: Bool) throws {
        let fixture = try Self.fixture(type, set, importance: importance)
        let directory = try TemporaryDirectory()
        let quantized = directory.path + "/out.bin", decoded = directory.path + "/out.f32"
        var arguments = ["quantize-raw", "--type", type, "--n-per-row", "\(fixture.rowLength)", "--input", fixture.inputPath, "-o", quantized]
        if let qw = fixture.importancePath { arguments += ["--importance", qw] }
        let quantize = try Self.imx(arguments)
        #expect(quantize.status == 0, "\(quantize.stderr)")
        #expect(try RawFiles.bytes(quantized) == RawFiles.bytes(fixture.quantizedPath))
        let dequantize = try Self.imx(["dequantize-raw", "--type", type, "--n-per-row", "\(fixture.rowLength)", "--input", quantized, "-o", decoded])
        #expect(dequantize.status == 0, "\(dequantize.stderr)")
        #expect(try RawFiles.bytes(decoded) == RawFiles.bytes(fixture.decodedPath))
    }

    @Test("Bad input: one-line error naming the file or field, non-zero exit, no output file", .needsFixtures, arguments: [
        (["--type", "Q9_K"], "unknown type 'Q9_K'"),
        (["--type", "MXFP4"], "cannot quantize to MXFP4"),
        (["--type", "IQ2_XS"], "importance: IQ2_XS requires an importance matrix (as in ggml)"),
        (["--n-per-row", "1000"], "n_per_row: 1000 is not a positive multiple of Q4_K's block size 256"),
        (["--n-per-row", "768"], "4096 floats are not whole rows of 768"),
        (["--importance", "BAD_LENGTH"], "importance: 1000 values, expected one per column (n_per_row = 1024)"),
        (["--importance", "NAN"], "importance[3]: nan is not a finite non-negative importance"),
        (["--importance", "NEGATIVE"], "importance[5]: -2.0 is not a finite non-negative importance"),
        (["--formula", "pow(qw,"], "formula 'pow(qw,': position 8: expected a number, a name or '(', found the end"),
        (["--formula", "lama"], "unknown formula name 'lama'"),
        (["--formula", "qw"], "--formula qw needs --importance"),
    ] as [([String], String)])
    func badInput(_ overrides: [String], _ message: String) throws {
        let fixture = try Self.fixture("Q4_K", "cos", importance: false)
        let directory = try TemporaryDirectory()
        var files: [String: String] = [:]
        for (name, values) in [("BAD_LENGTH", [Float](repeating: 1, count: 1000)),
                               ("NAN", [1, 1, 1, .nan] + [Float](repeating: 1, count: 1020)),
                               ("NEGATIVE", [1, 1, 1, 1, 1, -2] + [Float](repeating: 1, count: 1018))] {
            let path = directory.path + "/\(name).f32"
            try values.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: path)) }
            files[name] = path
        }
        var options = ["--type": "Q4_K", "--n-per-row": "\(fixture.rowLength)", "--input": fixture.inputPath]
        for pair in stride(from: 0, to: overrides.count, by: 2) { options[overrides[pair]] = files[overrides[pair + 1]] ?? overrides[pair + 1] }
        let output = directory.path + "/out.bin"
        let result = try Self.imx(["quantize-raw"] + options.flatMap { [$0.key, $0.value] } + ["-o", output])
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test("dequantize-raw rejects a file that is not whole rows", .needsFixtures)
    func dequantizeBadSize() throws {
        let fixture = try Self.fixture("Q4_K", "cos", importance: false)
        let result = try Self.imx(["dequantize-raw", "--type", "Q4_K", "--n-per-row", "1024", "--input", fixture.inputPath, "-o", "/tmp/imx-never-written.f32"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(fixture.inputPath): size: 16384 bytes are not whole rows of 576 bytes (Q4_K, n_per_row 1024)"), "\(result.stderr)")
    }

    @Test("quantize-error on gemma-3-270m: a table with totals and the best formula per type", .needsModel, .needsFixtures)
    func quantizeError() throws {
        let imatrix = try TestEnvironment.fixture("reference/gemma3-270m/gemma3-270m.gpl-apache.c512.imatrix.gguf")
        let result = try Self.imx(["quantize-error", "-m", TestEnvironment.gemmaModel(), "--imatrix", imatrix,
                                   "--tensors", "blk\\.1[67]\\.ffn_down", "--type", "Q4_K", "--formula", "llama,uniform,lognormal(0.5)"])
        #expect(result.status == 0, "\(result.stderr)")
        for text in ["blk.16.ffn_down.weight", "blk.17.ffn_down.weight", "total (2 tensors)", "lognormal(lambda=0.5)",
                     "best formula for Q4_K (lowest total wrmse):"] {
            #expect(result.stdout.contains(text), "missing '\(text)' in:\n\(result.stdout)")
        }
        let bad = try Self.imx(["quantize-error", "-m", TestEnvironment.gemmaModel(), "--imatrix", imatrix, "--type", "Q4_K", "--formula", "qw +"])
        #expect(bad.status != 0 && bad.stderr.contains("formula 'qw +': position 5"), "\(bad.stderr)")
    }
}
