import Foundation
import IMatrix
import Testing
import TestSupport

/// A run killed with SIGKILL leaves its last snapshot readable, and `--in-file` + `--from-chunk`
/// resume from it to the uninterrupted run's file, byte for byte.
@Suite("imx compute: kill and resume")
struct ResumeTests {
    static let chunks = 10

    static func arguments(_ text: String, _ output: String, extra: [String]) throws -> [String] {
        ["compute", "-m", try TestEnvironment.fixture("moe/tiny-mixtral.gguf"), "-f", text, "-c", "128",
         "-b", "128", "--no-ppl", "-t", "2", "-o", output] + extra
    }

    @Test("SIGKILL mid-run, then resume from the last OUT.at_N", .needsFixtures)
    func killAndResume() throws {
        let directory = try TemporaryDirectory()
        let text = directory.file("gpl3-apache2.txt")
        try FileManager.default.copyItem(atPath: TestEnvironment.fixture("text/gpl3-apache2.txt"), toPath: text)

        let full = try InspectCommandTests.imx(Self.arguments(text, directory.file("full.gguf"), extra: ["--chunks", "\(Self.chunks)"]))
        #expect(full.status == 0, "\(full.stderr)")

        // The interrupted run: a snapshot after every chunk; killed once the second exists.
        let output = directory.file("run.gguf")
        let process = Process()
        process.executableURL = try InspectCommandTests.binary()
        process.arguments = try Self.arguments(text, output, extra: ["--chunks", "\(Self.chunks)", "--save-frequency", "1"])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: output + ".at_2"), process.isRunning, Date() < deadline {
            usleep(2_000)
        }
        let killedWhileRunning = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(killedWhileRunning, "the run finished before it could be killed")

        let snapshots = try directory.contents().compactMap { name -> Int? in
            name.hasPrefix("run.gguf.at_") ? Int(name.dropFirst("run.gguf.at_".count)) : nil
        }
        let last = try #require(snapshots.max(), "no snapshot written before the kill")
        #expect(last >= 2 && last < Self.chunks)
        let snapshot = try ImportanceMatrix.read(path: output + ".at_\(last)")
        #expect(snapshot.chunkCount == last)
        #expect(snapshot.entries.allSatisfy { $0.counts.reduce(0, +) > 0 })

        let resumed = try InspectCommandTests.imx(Self.arguments(text, directory.file("resumed.gguf"), extra: [
            "--in-file", output + ".at_\(last)", "--from-chunk", "\(last)", "--chunks", "\(Self.chunks - last)"]))
        #expect(resumed.status == 0, "\(resumed.stderr)")
        // The resumed file is the uninterrupted run's, byte for byte (one dataset, the same sums).
        let resumedBytes = try Data(contentsOf: URL(fileURLWithPath: directory.file("resumed.gguf")))
        let fullBytes = try Data(contentsOf: URL(fileURLWithPath: directory.file("full.gguf")))
        #expect(try ImportanceMatrix.read(path: directory.file("resumed.gguf")).datasets == [text])
        #expect(resumedBytes == fullBytes, "resumed at \(last)")
    }
}
