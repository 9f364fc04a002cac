import Foundation
import Kernels
import Testing
import TestSupport

/// Outputs never destroy inputs or special files: an output that is an input is refused
/// however it is spelled; saves write devices and FIFOs in place and follow symbolic links;
/// stale temporaries of an output are found and removed.
@Suite("Output files")
struct OutputFilesTests {
    static func write(_ text: String, _ path: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) }
    static func read(_ path: String) throws -> String { String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) }

    @Test("an output that is an input is refused: the same path, ./path, a hard link, a symbolic link")
    func refusesInputs() throws {
        let directory = try TemporaryDirectory()
        let model = directory.file("m.gguf")
        try Self.write("model", model)
        #expect(link(model, directory.file("hard.gguf")) == 0)
        #expect(symlink(model, directory.file("soft.gguf")) == 0)
        let spellings = [model, directory.path + "/./m.gguf", directory.file("hard.gguf"), directory.file("soft.gguf")]
        for output in spellings {
            #expect(throws: OutputFiles.Conflict.self, "\(output)") {
                try OutputFiles.refuseInputs(outputs: [output], inputs: ["/nonexistent/text.txt", model])
            }
        }
        let error = try #require(throws: OutputFiles.Conflict.self) {
            try OutputFiles.refuseInputs(outputs: [directory.file("hard.gguf")], inputs: [model])
        }
        #expect(error.description.contains("hard.gguf") && error.description.contains("m.gguf"))
        // A new output, or another existing file, is fine.
        try OutputFiles.refuseInputs(outputs: [directory.file("new.gguf")], inputs: [model])
        try Self.write("other", directory.file("other.gguf"))
        try OutputFiles.refuseInputs(outputs: [directory.file("other.gguf")], inputs: [model])
        #expect(try Self.read(model) == "model")
    }

    @Test("a save through a symbolic link replaces the file it points to and keeps the link")
    func followsSymbolicLinks() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.file("real"), withIntermediateDirectories: true)
        let target = directory.file("real/out.txt")
        try Self.write("old", target)
        #expect(symlink(target, directory.file("link.txt")) == 0)
        try AtomicFile.write(Array("new".utf8), to: directory.file("link.txt"))
        #expect(try Self.read(target) == "new")
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.file("link.txt"))
        #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["link.txt", "real"])
    }

    @Test("a save to a FIFO writes into it in place: it stays a FIFO, the reader gets the bytes")
    func writesSpecialFilesInPlace() throws {
        let directory = try TemporaryDirectory()
        let fifo = directory.file("pipe")
        #expect(mkfifo(fifo, 0o600) == 0)
        final class Received: @unchecked Sendable { var bytes: [UInt8] = [] } // written before group.leave, read after wait
        let received = Received(), group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            let descriptor = open(fifo, O_RDONLY)
            var buffer = [UInt8](repeating: 0, count: 64)
            while descriptor >= 0 {
                let count = Foundation.read(descriptor, &buffer, buffer.count)
                if count <= 0 { break }
                received.bytes += buffer[0..<count]
            }
            close(descriptor)
            group.leave()
        }
        try AtomicFile.write(Array("through the pipe".utf8), to: fifo)
        group.wait()
        #expect(received.bytes == Array("through the pipe".utf8))
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["pipe"])
    }

    @Test("stale temporaries of an output are removed, others are left")
    func removesStaleTemporaries() throws {
        let directory = try TemporaryDirectory()
        for name in [".out.gguf.tmp-AbC123", ".out.gguf.tmp-zzzzzz", ".other.gguf.tmp-AbC123", ".out.gguf.tmp-toolong1", "out.gguf"] {
            try Self.write("x", directory.file(name))
        }
        let removed = OutputFiles.removeStaleTemporaries(of: directory.file("out.gguf"))
        #expect(removed == [directory.file(".out.gguf.tmp-AbC123"), directory.file(".out.gguf.tmp-zzzzzz")])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
                == [".other.gguf.tmp-AbC123", ".out.gguf.tmp-toolong1", "out.gguf"])
    }
}
