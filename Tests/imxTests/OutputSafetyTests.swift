import Foundation
import Testing
import TestSupport

/// Commands never lose a file: an output that is one of the inputs is refused before any work
/// (the input unchanged), stale temporaries of an output are removed and named, and results
/// that cannot be written to stdout are an error.
@Suite("imx output safety")
struct OutputSafetyTests {
    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test("-o naming an input (as itself, ./name or a hard link) is refused, the input unchanged", .needsFixtures)
    func refusesInputAsOutput() throws {
        let directory = try TemporaryDirectory()
        let fixture = try TestEnvironment.fixture("moe/tiny-mixtral.gpl-apache.c128x4.imatrix.gguf")
        let input = directory.file("a.gguf")
        try FileManager.default.copyItem(atPath: fixture, toPath: input)
        #expect(link(input, directory.file("b.gguf")) == 0)
        let original = try Self.bytes(input)
        let runs: [[String]] = [
            ["combine", input, fixture, "-o", input],
            ["convert", input, "-o", "./a.gguf", "--output-format", "dat"],
            ["convert", input, "-o", directory.file("b.gguf")],
            ["experts", input, "--html", input],
        ]
        for arguments in runs {
            let run = try InspectCommandTests.imx(arguments, in: directory.path)
            #expect(run.status != 0, "\(arguments)")
            #expect(run.stderr.contains("refusing to overwrite"), "\(arguments): \(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
            #expect(try Self.bytes(input) == original, "\(arguments)")
        }
    }

    @Test("a stale temporary of the output is removed and named; others stay", .needsFixtures)
    func removesStaleTemporaries() throws {
        let directory = try TemporaryDirectory()
        let fixture = try TestEnvironment.fixture("moe/tiny-mixtral.gpl-apache.c128x4.imatrix.gguf")
        try Data("partial".utf8).write(to: URL(fileURLWithPath: directory.file(".out.gguf.tmp-Ab12Cd")))
        try Data("other".utf8).write(to: URL(fileURLWithPath: directory.file(".else.gguf.tmp-Ab12Cd")))
        let run = try InspectCommandTests.imx(["convert", fixture, "-o", directory.file("out.gguf")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("removed \(directory.file(".out.gguf.tmp-Ab12Cd"))"), "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == [".else.gguf.tmp-Ab12Cd", "out.gguf"])
        #expect(try Self.bytes(directory.file("out.gguf")) == Self.bytes(fixture))
    }

    @Test("results printed into a full device are an error, not exit 0", .needsFixtures)
    func failedStandardOutputFails() throws {
        guard let full = FileHandle(forWritingAtPath: "/dev/full") else {
            print("skipped: no /dev/full on this machine")
            return
        }
        let process = Process()
        process.executableURL = try InspectCommandTests.binary()
        process.arguments = ["stats", try TestEnvironment.fixture("moe/tiny-mixtral.gpl-apache.c128x4.imatrix.gguf")]
        let err = Pipe()
        process.standardOutput = full
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(stderr.contains("standard output: cannot write"), "\(stderr)")
    }

    @Test("Flag values found by flag fuzzing: a one-character output name, an empty one, huge --from-chunk and --min-tokens", .needsFixtures)
    func extremeFlagValues() throws {
        let directory = try TemporaryDirectory()
        let model = try TestEnvironment.fixture("moe/tiny-mixtral.gguf"), text = try TestEnvironment.fixture("text/gpl3-apache2.txt")
        let common = ["compute", "-m", model, "-f", text, "-c", "128", "--chunks", "2", "-t", "2", "--no-ppl"]
        // Foundation's deletingLastPathComponent traps on a one-character path: `-o a` crashed.
        let short = try InspectCommandTests.imx(common + ["-o", "a"], in: directory.path)
        #expect(short.status == 0, "\(short.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.file("a")))
        let empty = try InspectCommandTests.imx(common + ["-o", ""], in: directory.path)
        #expect(empty.status == 1 && empty.stderr == "Error: output: the path is empty\n", "\(empty.stderr)")
        let far = try InspectCommandTests.imx(common + ["-o", "b.gguf", "--from-chunk", "9223372036854775807"], in: directory.path)
        #expect(far.status == 1 && far.stderr.contains("not enough tokens left"), "\(far.stderr)")
        let experts = try InspectCommandTests.imx(["experts", "-m", model, TestEnvironment.fixture("moe/tiny-mixtral.gpl-apache.c128x4.imatrix.gguf"),
                                                   "--min-tokens", "9223372036854775807"])
        #expect(experts.status == 0, "\(experts.stderr)")
    }
}

