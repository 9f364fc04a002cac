import Foundation
import GGUF
import Testing
import TestSupport

/// `imx quantize` against llama-quantize, byte for byte: every case of
/// Tests/References/quantize/cases.tsv (F32 fixture and tiny models, dense and MoE, with and
/// without imatrix in both formats, every file type imx writes, the mix options, and
/// gemma-3-270m requantized) gives the sha256 the vendored llama-quantize's output has
/// (`scripts/generate-quantize-references`), and where llama-quantize refuses, imx refuses
/// too and leaves no file.
@Suite("imx quantize against llama-quantize")
struct QuantizeReferenceTests {
    static let folder = TinyReferenceModel.references + "quantize/"

    @Test("The tiny quantize models are the ones the references were made from (sha256)")
    func modelsAreCurrent() throws {
        let directory = try TemporaryDirectory()
        let specs = [TinyModels.quantDense, TinyModels.quantMoE]
        let paths = try specs.map { try TinyReferenceModel(spec: $0).write(in: directory) }
        for (spec, path) in zip(specs, paths) {
            let recorded = try? String(contentsOfFile: Self.folder + "tiny-\(spec.name).gguf.sha256", encoding: .utf8)
                .split(separator: " ").first.map(String.init)
            #expect(try SplitModelTests.sha256(path) == recorded,
                    "TinyModels \(spec.name) changed: run scripts/generate-quantize-references")
        }
    }

    @Test("Same bytes as llama-quantize, or refused where it refuses", .needsFixtures, arguments: QuantizeCase.all)
    func matchesLlamaQuantize(_ testCase: QuantizeCase) throws {
        if testCase.model == "@G" && !TestEnvironment.modelEnabled {
            print("skipped \(testCase.name): \(TestEnvironment.gemmaModelPath) is absent (run scripts/fetch-models)")
            return
        }
        let directory = try TemporaryDirectory()
        let model = try testCase.modelPath(in: directory)
        var arguments = ["quantize"]
        for option in testCase.options {
            guard let source = testCase.referencedFile(option) else { arguments.append(option); continue }
            let name = (source as NSString).lastPathComponent
            try FileManager.default.copyItem(atPath: source, toPath: directory.file(name))
            arguments.append(name)
        }
        let run = try InspectCommandTests.imx(arguments + [model, "out.gguf", testCase.type, "2"], in: directory.path)
        let output = directory.file("out.gguf")
        if testCase.expected == "FAIL" {
            #expect(run.status != 0, "llama-quantize refuses \(testCase.name); imx wrote: \(run.stdout.suffix(300))")
            #expect(!FileManager.default.fileExists(atPath: output), "\(testCase.name): nothing may be written")
            #expect(run.stderr.split(separator: "\n").last?.contains("nothing was written") == true, "\(run.stderr)")
        } else {
            #expect(run.status == 0, "\(testCase.name): \(run.stderr)")
            let written = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0 == "out.gguf" || ($0.hasPrefix("out-") && $0.contains("-of-")) }.sorted()
            let sums = try written.map { try SplitModelTests.sha256(directory.file($0)) }.joined(separator: ",")
            #expect(sums == testCase.expected, "\(testCase.name) (\(written)) differs from llama-quantize's output")
        }
    }
}

/// One row of cases.tsv with its expected sha256 (or FAIL) from expected.tsv.
struct QuantizeCase: Sendable, CustomTestStringConvertible {
    let name: String
    let model: String
    let type: String
    let options: [String]
    let expected: String

    var testDescription: String { name }

    static let all: [QuantizeCase] = {
        func rows(_ file: String) -> [[String]] {
            let text = (try? String(contentsOfFile: QuantizeReferenceTests.folder + file, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").filter { !$0.hasPrefix("#") }
                .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        }
        let expected = Dictionary(rows("expected.tsv").map { ($0[0], $0.count > 1 ? $0[1] : "") }, uniquingKeysWith: { $1 })
        return rows("cases.tsv").map { row in
            QuantizeCase(name: row[0], model: row[1], type: row[2],
                         options: row.count > 3 ? row[3].split(separator: " ").map(String.init) : [],
                         expected: expected[row[0]] ?? "missing from expected.tsv")
        }
    }()

    func modelPath(in directory: TemporaryDirectory) throws -> String {
        if model == "@G" { return try TestEnvironment.gemmaModel() }
        if model.hasPrefix("@F/") { return try TestEnvironment.fixture(String(model.dropFirst(3))) }
        if model.hasPrefix("@S8/") {
            let source = try GGUFFile(path: try TestEnvironment.fixture(String(model.dropFirst(4))))
            return try GGUFSplitter.split(source, maxTensors: 8, prefix: directory.file("split"))[0]
        }
        let name = String(model.dropFirst(3))
        let spec = try #require(([TinyModels.quantDense, TinyModels.quantMoE] + TinyModels.all).first { $0.name == name })
        return try TinyModels.write(spec, in: directory)
    }

    /// The file an `@F/` or `@R/` option names.
    func referencedFile(_ option: String) -> String? {
        if option.hasPrefix("@F/") { return try? TestEnvironment.fixture(String(option.dropFirst(3))) }
        if option.hasPrefix("@R/") { return TinyReferenceModel.references + option.dropFirst(3) }
        return nil
    }
}
