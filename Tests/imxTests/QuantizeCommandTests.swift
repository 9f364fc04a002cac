import Foundation
import GGUF
import Testing
import TestSupport

/// `imx quantize` beyond llama-quantize's bytes: formulas per tensor with their provenance in
/// the file, `--dry-run`, and bad input refused in one line before anything is written.
@Suite("imx quantize: formulas, dry run, bad input")
struct QuantizeCommandTests {
    static let imatrix = TinyReferenceModel.references + "quantize/tiny-quant-dense.imatrix.gguf"

    /// The quant-dense model and its imatrix in a fresh folder.
    static func prepare() throws -> (TemporaryDirectory, model: String) {
        let directory = try TemporaryDirectory()
        let model = try TinyModels.write(TinyModels.quantDense, in: directory)
        try FileManager.default.copyItem(atPath: imatrix, toPath: directory.file("imatrix.gguf"))
        return (directory, model)
    }

    static func quantize(_ arguments: [String], in directory: TemporaryDirectory) throws -> (stdout: String, stderr: String, status: Int32) {
        try InspectCommandTests.imx(["quantize"] + arguments, in: directory.path)
    }

    @Test("--formula REGEX=F changes exactly the tensors it matches and is recorded in the file")
    func formulaRulesArePerTensorAndRecorded() throws {
        let (directory, model) = try Self.prepare()
        let base = try Self.quantize(["--imatrix", "imatrix.gguf", "--formula", "llama", model, "llama.gguf", "Q4_K_M"], in: directory)
        #expect(base.status == 0, "\(base.stderr)")
        let ruled = try Self.quantize(["--imatrix", "imatrix.gguf", "--formula", "ffn_down=lognormal(0.25)", model, "rule.gguf", "Q4_K_M"], in: directory)
        #expect(ruled.status == 0, "\(ruled.stderr)")
        let llama = try GGUFFile(path: directory.file("llama.gguf"))
        let rule = try GGUFFile(path: directory.file("rule.gguf"))
        #expect(llama.metadata["quantize.imx.formula"] == nil, "the llama formula leaves llama-quantize's file as it is")
        #expect(rule.metadata["quantize.imx.formula"] == .string("llama"))
        #expect(rule.metadata["quantize.imx.formula_rules"] == .array(.string(["ffn_down=lognormal(lambda=0.25)"])))
        var changed: [String] = []
        for tensor in llama.tensors {
            let other = try rule.tensor(named: tensor.name)
            #expect(other.type == tensor.type, "\(tensor.name): the formula does not change the mix")
            if Array(llama.data(of: tensor)) != Array(rule.data(of: other)) { changed.append(tensor.name) }
        }
        #expect(changed == (0..<8).map { "blk.\($0).ffn_down.weight" }, "\(changed)")
    }

    @Test("--formula qw quantizes every tensor with imatrix data its own way; without --imatrix it is refused")
    func formulaNeedsImportance() throws {
        let (directory, model) = try Self.prepare()
        let run = try Self.quantize(["--imatrix", "imatrix.gguf", "--formula", "qw", model, "qw.gguf", "Q3_K_S"], in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try GGUFFile(path: directory.file("qw.gguf")).metadata["quantize.imx.formula"] == .string("qw"))
        let refused = try Self.quantize(["--formula", "qw", model, "out.gguf", "Q3_K_S"], in: directory)
        #expect(refused.status != 0 && refused.stderr.contains("--imatrix"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("out.gguf")))
    }

    @Test("--dry-run prints every tensor's type and the totals, writes nothing, and its size is the real one")
    func dryRun() throws {
        let (directory, model) = try Self.prepare()
        let dry = try Self.quantize(["--dry-run", "--imatrix", "imatrix.gguf", model, "Q4_K_M"], in: directory)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("blk.0.ffn_down.weight [512, 256] F32 → Q6_K"), "\(dry.stdout)")
        #expect(dry.stdout.contains("blk.1.ffn_down.weight [512, 256] F32 → Q4_K"), "use_more_bits skips layer 1 of 8")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["imatrix.gguf", "tiny-quant-dense.gguf"])
        let real = try Self.quantize(["--imatrix", "imatrix.gguf", model, "out.gguf", "Q4_K_M"], in: directory)
        let total = { (text: String) in text.split(separator: "\n").first { $0.hasPrefix("quant size") } }
        #expect(total(dry.stdout) != nil && total(dry.stdout) == total(real.stdout))
    }

    @Test("Bad input is one line naming the file and field, and nothing is written")
    func badInput() throws {
        let (directory, model) = try Self.prepare()
        let otherImatrix = try TestEnvironment.fixture("dense/tiny-llama.gpl-apache.c128x4.imatrix.gguf")
        let smallModel = try TestEnvironment.fixture("dense/tiny-llama.gguf")
        let cases: [([String], String)] = [
            ([model, "out.gguf", "Q9_K"], "unknown file type 'Q9_K'"),
            (["--tensor-type", "attn_nothing=q8_0", model, "out.gguf", "Q4_K_M"], "matches no tensor"),
            (["--tensor-type", "attn_q=q9_9", model, "out.gguf", "Q4_K_M"], "unknown ggml type"),
            (["--formula", "attn_nothing=qw", "--imatrix", "imatrix.gguf", model, "out.gguf", "Q4_K_M"], "matches no tensor"),
            (["--imatrix", otherImatrix, model, "out.gguf", "Q4_K_M"], "another model"),
            (["--output-tensor-type", "q4_K", smallModel, "out.gguf", "Q8_0"], "block size 256"),
            ([model, model, "Q4_K_M"], "refusing to overwrite"),
            (["--imatrix", "imatrix.gguf", model, "imatrix.gguf", "Q4_K_M"], "refusing to overwrite"),
            ([model, "out.gguf", "IQ2_XXS"], "requires an importance matrix"),
            ([smallModel, "out.gguf", "Q4_K_M", "--include-weights", "x", "--exclude-weights", "y"], "cannot be used together"),
        ]
        let before = try Data(contentsOf: URL(fileURLWithPath: model))
        for (arguments, message) in cases {
            let run = try Self.quantize(arguments, in: directory)
            #expect(run.status != 0, "\(arguments)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
            #expect(run.stderr.split(separator: "\n").filter { !$0.hasPrefix("quantize:") && !$0.hasPrefix("BLAS") }.count == 1, "\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: directory.file("out.gguf")), "\(arguments)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: model)) == before)
    }

    @Test("A non-finite weight names the tensor, row and column; a non-finite importance names the entry")
    func nonFiniteValues() throws {
        let directory = try TemporaryDirectory()
        var writer = GGUFWriter()
        writer.metadata.set("general.architecture", .string("llama"))
        writer.metadata.set("llama.block_count", .uint32(1))
        writer.metadata.set("llama.attention.head_count", .uint32(1))
        var values = [Float](repeating: 0.5, count: 256 * 4)
        values[2 * 256 + 5] = .nan
        try writer.addTensor(name: "blk.0.attn_q.weight", shape: [256, 4], float32: values)
        try writer.write(to: directory.file("nan.gguf"))
        let run = try Self.quantize(["nan.gguf", "out.gguf", "Q4_K_M"], in: directory)
        #expect(run.status != 0 && run.stderr.contains("blk.0.attn_q.weight row 2, column 5"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("out.gguf")))

        let (folder, model) = try Self.prepare()
        var legacy = try Data(contentsOf: URL(fileURLWithPath: TinyReferenceModel.references + "quantize/tiny-quant-dense.imatrix.dat"))
        let nameLength = Int(legacy.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4, as: Int32.self) })
        let firstValue = 4 + 4 + nameLength + 4 + 4
        legacy.replaceSubrange(firstValue..<(firstValue + 4), with: withUnsafeBytes(of: Float.infinity.bitPattern.littleEndian) { Data($0) })
        try legacy.write(to: URL(fileURLWithPath: folder.file("inf.dat")))
        let bad = try Self.quantize(["--imatrix", "inf.dat", model, "out.gguf", "Q4_K_M"], in: folder)
        #expect(bad.status != 0 && bad.stderr.contains("values[0]: non-finite value inf"), "\(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("out.gguf")))
    }
}
