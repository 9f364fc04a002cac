import Foundation
import Testing
import TestSupport

/// Typed options: every quant type, policy, format, formula, shard and bit list is read once by
/// its option's parser, so a bad value is the same one-line error (naming the option) and a
/// non-zero exit before any file is opened, whatever the command.
@Suite("Typed options")
struct TypedOptionTests {
    /// Paths that do not exist: a typed option must fail before anything is read.
    static let missing = "/nonexistent/imx-typed-option-test"

    @Test("A bad value is one line naming the option, exit status non-zero, nothing read", arguments: [
        (["quantize-raw", "--type", "Q9", "--n-per-row", "32", "--input", missing, "-o", missing + ".out"], "Error: --type: unknown type 'Q9'", Int32(1)),
        (["quantize-raw", "--type", "MXFP4", "--n-per-row", "32", "--input", missing, "-o", missing + ".out"], "Error: --type: cannot quantize to MXFP4 (supported: ", 1),
        (["dequantize-raw", "--type", "Q9", "--n-per-row", "32", "--input", missing, "-o", missing + ".out"], "Error: --type: unknown or undecodable type 'Q9'", 1),
        (["quantize-raw", "--type", "Q4_K", "--n-per-row", "33", "--input", missing, "-o", missing + ".out"], "Error: n_per_row: 33 is not a positive multiple of Q4_K's block size 256", 1),
        (["quantize-raw", "--type", "Q4_K", "--n-per-row", "256", "--input", missing, "-o", missing + ".out", "--formula", "qw"], "Error: --formula qw needs --importance", 1),
        (["quantize-raw", "--type", "Q4_K", "--n-per-row", "256", "--input", missing, "-o", missing + ".out", "--formula", #"{"name": "lognormal", "lambda": [0, 1]}"#],
         #"Error: formula '{"name": "lognormal", "lambda": [0, 1]}': "lambda" must be a number"#, 1),
        (["quantize-error", "-m", missing, "--imatrix", missing, "--type", "Q4_K,Q9_K"], "Error: --type: unknown type 'Q9_K'", 1),
        (["quantize-error", "-m", missing, "--imatrix", missing, "--type", "Q4_K", "--zero-count", "zero"], "Error: --zero-count must be ones or skip, got 'zero'", 1),
        (["quantize-error", "-m", missing, "--imatrix", missing, "--type", "Q4_K", "--formula", "llama,nonsense"], "Error: formula 'nonsense': unknown formula name 'nonsense'", 1),
        (["compute", "-m", missing, "-f", missing, "--output-format", "ggml"], "Error: --output-format must be gguf or dat, got 'ggml'", 64),
        (["compute", "-m", missing, "-f", missing, "--partial-data", "prior=0"], "Error: command line: --partial-data: 'prior=0': the prior weight W in prior=W must be an integer ≥ 1", 1),
        (["combine", missing, missing + "2", "-o", missing + ".gguf", "--partial-data", "some"], "Error: command line: --partial-data: unknown policy 'some'", 1),
        (["quantize", missing, missing + ".gguf", "Q4_K_M", "--output-tensor-type", "Q9"], "Error: --output-tensor-type: unknown ggml type 'Q9'", 1),
        (["quantize", missing, missing + ".gguf", "Q4_K_M", "--include-weights", "a", "--exclude-weights", "b"], "Error: --include-weights and --exclude-weights cannot be used together", 1),
        (["sweep", missing, "--shard", "2/2"], "Error: --shard: '2/2' is not i/n with 0 ≤ i < n", 1),
        (["diagnose", "-m", missing, "-f", missing, "--bits", "2,9"], "Error: --bits: 9 is outside 2…8", 1),
        (["bench", "quant", "--types", "Q4_K,F64"], "Error: --types: cannot quantize to F64 (supported: ", 1),
        (["bench", "dequant", "--types", "nope"], "Error: --types: unknown or undecodable type 'nope'", 64),
    ] as [([String], String, Int32)])
    func badValue(arguments: [String], expected: String, status: Int32) throws {
        let run = try InspectCommandTests.imx(arguments)
        let lines = run.stderr.split(separator: "\n")
        #expect(run.status == status, "\(arguments): \(run.stderr)")
        #expect(lines.count == 1 && lines[0].hasPrefix(expected), "\(arguments): \(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test("Type names are case-insensitive and defaults show in --help")
    func namesAndHelp() throws {
        let directory = try TemporaryDirectory()
        let input = directory.file("rows.f32")
        let rows = (0..<64).map { Float(($0 * 37) % 17) - 8 }
        try rows.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: input))
        let run = try InspectCommandTests.imx(["quantize-raw", "--type", "q8_0", "--n-per-row", "32", "--input", input, "-o", directory.file("rows.q8_0")])
        #expect(run.status == 0, "\(run.stderr)")
        let bytes = try #require(FileManager.default.contents(atPath: directory.file("rows.q8_0")))
        #expect(bytes.count == 2 * 34)
        let help = try InspectCommandTests.imx(["quantize-error", "--help"])
        #expect(help.stdout.contains("(default: llama)") && help.stdout.contains("(default: ones)"))
        #expect(!help.stdout.contains("(default: llama) (default: llama)"))
    }
}
