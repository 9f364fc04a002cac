import Foundation
import GGUF
import IMatrix
import Kernels
import Testing
import TestSupport

/// Split models (`NAME-00001-of-0000N.gguf`, llama-gguf-split's layout): every command reads
/// them through the first file, with the unsplit file's results byte for byte; a missing,
/// misplaced or mismatched split is a one-line error.
@Suite("Split GGUF models")
struct SplitModelTests {
    static func sha256(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }

    /// tiny-qwen3moe split into three files of at most 12 tensors.
    static func split(in directory: TemporaryDirectory) throws -> [String] {
        try GGUFSplitter.split(GGUFFile(path: TestEnvironment.fixture("moe/tiny-qwen3moe.gguf")), maxTensors: 12,
                               prefix: directory.file("tq"))
    }

    @Test("The splitter writes llama-gguf-split's bytes (sha256 of its output)", .needsFixtures)
    func sameBytesAsLlamaGGUFSplit() throws {
        let directory = try TemporaryDirectory()
        let paths = try Self.split(in: directory)
        let reference = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath:
            TestEnvironment.packageRoot + "/Tests/References/tiny-qwen3moe.split12.sha256.json"))) as? [String: Any])
        let files = try #require(reference["files"] as? [String: String])
        #expect(paths.map { ($0 as NSString).lastPathComponent } == files.keys.sorted())
        for path in paths { #expect(try Self.sha256(path) == files[(path as NSString).lastPathComponent], "\(path)") }
    }

    @Test("compute, perplexity, experts -m and inspect on the first split: the unsplit model's results", .needsFixtures)
    func sameResults() throws {
        let directory = try TemporaryDirectory()
        let first = try Self.split(in: directory)[0]
        let whole = try TestEnvironment.fixture("moe/tiny-qwen3moe.gguf")
        let text = try TestEnvironment.fixture("text/gpl3-apache2.txt")
        for (name, model) in [("whole", whole), ("split", first)] {
            let run = try InspectCommandTests.imx(["compute", "-m", model, "-f", text, "-c", "128", "--chunks", "3", "-t", "2",
                                                   "-o", directory.file("\(name).gguf")])
            #expect(run.status == 0, "\(run.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.file("whole.gguf")))
                == Data(contentsOf: URL(fileURLWithPath: directory.file("split.gguf"))))
        let perplexity = try [whole, first].map {
            try InspectCommandTests.imx(["perplexity", "-m", $0, "-f", text, "-c", "128", "--chunks", "3", "-t", "2"]).stdout
                .split(separator: "\n").filter { $0.hasPrefix("[1]") || $0.hasPrefix("Final") }
        }
        #expect(!perplexity[0].isEmpty && perplexity[0] == perplexity[1])
        let experts = try [whole, first].map {
            try InspectCommandTests.imx(["experts", "-m", $0, directory.file("whole.gguf")]).stdout.replacingOccurrences(of: $0, with: "MODEL")
        }
        #expect(experts[0] == experts[1] && !experts[0].isEmpty)
        let inspect = try InspectCommandTests.imx(["inspect", first, "--tensors"])
        #expect(inspect.status == 0 && inspect.stdout.contains("blk.1.ffn_down_exps.weight"), "\(inspect.stderr)")
        let file = try GGUFFile(path: first)
        #expect(file.tensors.count == (try GGUFFile(path: whole)).tensors.count && file.paths.count == 3)
    }

    @Test("Another split than the first, a missing split, a split of another model, and counts that disagree", .needsFixtures)
    func badSplits() throws {
        let directory = try TemporaryDirectory()
        let paths = try Self.split(in: directory)
        func error(_ path: String) -> String {
            do { _ = try GGUFFile(path: path); return "" } catch { return error.description }
        }
        #expect(error(paths[1]) == "\(paths[1]): split.no: this is split 2 of 3: give the first file, \(paths[0])")

        let renamed = directory.file("renamed.gguf")
        try FileManager.default.copyItem(atPath: paths[0], toPath: renamed)
        #expect(error(renamed).hasPrefix("\(renamed): split.count: 3 splits, but the name does not end in -00001-of-00003.gguf"))

        try FileManager.default.moveItem(atPath: paths[2], toPath: directory.file("away.gguf"))
        #expect(error(paths[0]) == "\(paths[2]): file: split 3 of 3 of \(paths[0]): cannot open: No such file or directory")
        // The third split replaced by the second: the wrong split.no.
        try FileManager.default.copyItem(atPath: paths[1], toPath: paths[2])
        #expect(error(paths[0]) == "\(paths[2]): split.no: 1, expected 2: this file is not split 3 of \(paths[0])")
        try FileManager.default.removeItem(atPath: paths[2])

        // Another model's split 3: its split.count differs.
        let other = try GGUFSplitter.split(GGUFFile(path: TestEnvironment.fixture("moe/tiny-qwen3moe.gguf")), maxTensors: 8,
                                           prefix: directory.file("other"))
        #expect(other.count == 4)
        var writer = GGUFWriter()
        let donor = try GGUFFile(mapping: MappedFile(path: other[2]))   // this file alone
        for key in donor.metadata.keys { writer.metadata.set(key, donor.metadata[key]!) }
        for tensor in donor.tensors { try writer.addTensor(name: tensor.name, type: tensor.type, shape: tensor.shape, data: Array(donor.data(of: tensor))) }
        try writer.write(to: paths[2])
        #expect(error(paths[0]) == "\(paths[2]): split.count: 4, but \(paths[0]) says 3")

        let result = try InspectCommandTests.imx(["perplexity", "-m", paths[0], "-f", TestEnvironment.fixture("text/gpl3-apache2.txt")])
        #expect(result.status == 1 && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }
}
