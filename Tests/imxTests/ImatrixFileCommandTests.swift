import Foundation
import IMatrix
import Kernels
import Testing
import TestSupport

/// `imx convert` and `imx combine`: llama-imatrix's conversions byte for byte on the fixture
/// files, combination arithmetic, and one-line errors for bad files.
@Suite("imx convert and combine")
struct ImatrixFileCommandTests {
    static let references = [
        "moe/tiny-mixtral.gpl-apache.c128x4", "moe/tiny-mixtral.gpl-apache.c128x1",
        "moe/tiny-qwen3moe.gpl-apache.c128x4", "moe/tiny-qwen3moe.gpl-apache.c128x1",
        "dense/tiny-llama.gpl-apache.c128x4", "dense/tiny-qwen2.gpl-apache.c128x4", "dense/tiny-qwen3.gpl-apache.c128x4",
    ]

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test("GGUF → dat (-c 128) is llama-imatrix's .dat byte for byte; GGUF → GGUF is the identity",
          .needsFixtures, arguments: references)
    func convertsLikeLlamaCpp(_ prefix: String) throws {
        let directory = try TemporaryDirectory()
        let gguf = try TestEnvironment.fixture(prefix + ".imatrix.gguf")
        let dat = try TestEnvironment.fixture(prefix + ".imatrix.dat")
        let toDat = try InspectCommandTests.imx(["convert", gguf, "-o", directory.file("x.dat"), "--output-format", "dat", "-c", "128"])
        #expect(toDat.status == 0, "\(toDat.stderr)")
        #expect(try Self.bytes(directory.file("x.dat")) == Self.bytes(dat))
        let same = try InspectCommandTests.imx(["convert", gguf, "-o", directory.file("x.gguf")])
        #expect(same.status == 0, "\(same.stderr)")
        #expect(try Self.bytes(directory.file("x.gguf")) == Self.bytes(gguf))
        if prefix.hasPrefix("dense/") {
            // The dense README: dat → GGUF with -c 128 gives llama.cpp's GGUF back, byte for byte.
            let back = try InspectCommandTests.imx(["convert", dat, "-o", directory.file("back.gguf"), "-c", "128"])
            #expect(back.status == 0, "\(back.stderr)")
            #expect(try Self.bytes(directory.file("back.gguf")) == Self.bytes(gguf))
        }
    }

    @Test("Combining ×4 and ×1 adds counts and sums, lists both datasets, -c 128 sets the chunk count", .needsFixtures)
    func combineAdds() throws {
        let directory = try TemporaryDirectory()
        let a = try TestEnvironment.fixture("moe/tiny-mixtral.gpl-apache.c128x4.imatrix.gguf")
        let b = try TestEnvironment.fixture("moe/tiny-mixtral.gpl-apache.c128x1.imatrix.gguf")
        let run = try InspectCommandTests.imx(["combine", a, b, "-o", directory.file("sum.gguf")])
        #expect(run.status == 0, "\(run.stderr)")
        let sum = try ImportanceMatrix.read(path: directory.file("sum.gguf"))
        let (x, y) = (try ImportanceMatrix.read(path: a), try ImportanceMatrix.read(path: b))
        #expect(sum.datasets == ["gpl3-apache2.txt", "gpl3-apache2.txt"])
        #expect(sum.chunkSize == 128 && sum.chunkCount == 5)
        for entry in sum.entries {
            let (p, q) = (try #require(x.entry(named: entry.name)), try #require(y.entry(named: entry.name)))
            #expect(entry.counts == zip(p.counts, q.counts).map { $0 + $1 })
            #expect(entry.values == zip(p.values, q.values).map { Float(Double($0) + Double($1)) })
        }
    }

    @Test("Files of different models are refused by combine, naming file and entry", .needsFixtures)
    func combineRefusesOtherModels() throws {
        let directory = try TemporaryDirectory()
        let a = try TestEnvironment.fixture("moe/tiny-mixtral.gpl-apache.c128x4.imatrix.gguf")
        let b = try TestEnvironment.fixture("moe/tiny-qwen3moe.gpl-apache.c128x4.imatrix.gguf")
        let run = try InspectCommandTests.imx(["combine", a, b, "-o", directory.file("bad.gguf")])
        #expect(run.status != 0)
        #expect(run.stderr.contains("tiny-qwen3moe.gpl-apache.c128x4.imatrix.gguf: blk.0.attn_output.weight:"), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("bad.gguf")))
    }

    @Test("Every truncation of a legacy or GGUF imatrix is a one-line error naming the file", .needsFixtures)
    func truncatedFiles() throws {
        let directory = try TemporaryDirectory()
        for prefix in ["moe/tiny-qwen3moe.gpl-apache.c128x1.imatrix.dat", "moe/tiny-qwen3moe.gpl-apache.c128x1.imatrix.gguf"] {
            let whole = try Self.bytes(TestEnvironment.fixture(prefix))
            let path = directory.file("cut")
            // Every cut point in the library; a few through the command line.
            var validPrefixes: [Int] = []
            // A legacy file is complete without its optional trailer; nothing else may parse.
            let trailer = prefix.hasSuffix(".dat") ? [whole.count - 4 - 4 - "gpl3-apache2.txt".utf8.count] : []
            // Every length through the headers and the first entries, then every 97th, and
            // every length around the end.
            let lengths = Set(Array(0..<min(whole.count, 2048)) + Array(stride(from: 2048, to: whole.count, by: 97))
                              + Array(max(0, whole.count - 64)..<whole.count))
            for length in lengths.sorted() {
                try whole.prefix(length).write(to: URL(fileURLWithPath: path))
                do {
                    _ = try ImportanceMatrix.read(path: path)
                    validPrefixes.append(length)
                } catch {
                    #expect(error.description.hasPrefix(path + ": "), "\(error)")
                }
            }
            #expect(validPrefixes == trailer, "\(prefix): prefixes that parsed: \(validPrefixes)")
            for length in [0, 3, 9, whole.count / 2, whole.count - 1] {
                try whole.prefix(length).write(to: URL(fileURLWithPath: path))
                let run = try InspectCommandTests.imx(["convert", path, "-o", directory.file("out.gguf")])
                #expect(run.status != 0)
                #expect(run.stderr.hasPrefix("Error: \(path): ") && run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
            }
        }
    }

    @Test("A GGUF that is not an imatrix, and sums without matching counts, are refused", .needsFixtures)
    func notAnImatrix() throws {
        let model = try InspectCommandTests.imx(["convert", TestEnvironment.fixture("moe/tiny-qwen3moe.gguf"), "-o", "/tmp/unused.gguf"])
        #expect(model.status != 0)
        #expect(model.stderr.contains("tiny-qwen3moe.gguf: "), "\(model.stderr)")

        let directory = try TemporaryDirectory()
        func write(_ build: (inout GGUFWriterFacade) throws -> Void) throws -> String {
            var facade = GGUFWriterFacade()
            try build(&facade)
            let path = directory.file("x\(UUID().uuidString).gguf")
            try facade.writer.write(to: path)
            return path
        }
        let noMetadata = try write { try $0.writer.addTensor(name: "blk.0.attn_q.weight.in_sum2", shape: [4], float32: [1, 2, 3, 4])
            try $0.writer.addTensor(name: "blk.0.attn_q.weight.counts", shape: [1], float32: [1]) }
        #expect(throws: ImatrixError(file: noMetadata, field: "imatrix.datasets",
                                     message: "missing imatrix metadata (llama-quantize refuses such a file)")) {
            try ImportanceMatrix.read(path: noMetadata)
        }
        let mismatched = try write { facade in
            facade.addImatrixMetadata()
            try facade.writer.addTensor(name: "blk.0.attn_q.weight.in_sum2", shape: [4], float32: [1, 2, 3, 4])
            try facade.writer.addTensor(name: "blk.0.attn_q.weight.counts", shape: [3], float32: [1, 1, 1])
        }
        #expect { try ImportanceMatrix.read(path: mismatched) } throws: { error in
            "\(error)".hasPrefix("\(mismatched): blk.0.attn_q.weight.counts: shape [3] does not match blk.0.attn_q.weight.in_sum2's [4]: expected [1]")
        }
        let unpaired = try write { facade in
            facade.addImatrixMetadata()
            try facade.writer.addTensor(name: "blk.0.attn_q.weight.in_sum2", shape: [4], float32: [1, 2, 3, 4])
        }
        #expect { try ImportanceMatrix.read(path: unpaired) } throws: { error in
            "\(error)".hasPrefix("\(unpaired): blk.0.attn_q.weight.counts: mismatched sums and counts")
        }
    }

    @Test("Huge or fractional-overflow counts, negative Σx², chunk sizes below 1 and shapes that disagree: one-line errors in every reader")
    func implausibleValues() throws {
        let directory = try TemporaryDirectory()
        func write(_ name: String, sums: [Float] = [1, 2, 3, 4], sumsShape: [Int] = [4], counts: [Float] = [3],
                   countsShape: [Int] = [1], chunkSize: GGUFValue = .uint32(512)) throws -> String {
            var facade = GGUFWriterFacade()
            facade.addImatrixMetadata()
            facade.writer.metadata.set("imatrix.chunk_size", chunkSize)
            try facade.writer.addTensor(name: "blk.0.attn_q.weight.in_sum2", shape: sumsShape, float32: sums)
            try facade.writer.addTensor(name: "blk.0.attn_q.weight.counts", shape: countsShape, float32: counts)
            let path = directory.file(name + ".gguf")
            try facade.writer.write(to: path)
            return path
        }
        let cases: [(path: String, field: String, text: String)] = [
            (try write("huge", counts: [9.3e18]), "blk.0.attn_q.weight.counts[0]", "invalid token count"),
            (try write("max", counts: [Float(Int64.max)]), "blk.0.attn_q.weight.counts[0]", "invalid token count"),
            (try write("negative", sums: [1, -2, 3, 4]), "blk.0.attn_q.weight.in_sum2[1]", "negative sum of squares -2.0"),
            (try write("chunk0", chunkSize: .uint32(0)), "imatrix.chunk_size", "chunk size 0 (must be at least 1)"),
            (try write("chunkneg", chunkSize: .int32(-3)), "imatrix.chunk_size", "chunk size -3"),
            (try write("shape", sums: [1, 2, 3, 4, 5, 6, 7, 8], sumsShape: [4, 2], counts: [1, 1], countsShape: [2]),
             "blk.0.attn_q.weight.counts", "shape [2] does not match"),
        ]
        for item in cases {
            #expect { try ImportanceMatrix.read(path: item.path) } throws: { error in
                "\(error)".hasPrefix("\(item.path): \(item.field): ") && "\(error)".contains(item.text)
            }
            for command in [["stats", item.path], ["convert", item.path, "-o", directory.file("out.gguf")]] {
                let result = try InspectCommandTests.imx(command)
                #expect(result.status == 1, "\(command): \(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(item.field), "\(command): \(result.stderr)")
            }
        }
        // Legacy: a negative stored value.
        var legacy = [UInt8]()
        func int32(_ value: Int32) { withUnsafeBytes(of: value.littleEndian) { legacy += $0 } }
        int32(1); int32(5); legacy += Array("w.abc".utf8); int32(1); int32(2)
        for value: Float in [1, -0.5] { withUnsafeBytes(of: value.bitPattern.littleEndian) { legacy += $0 } }
        let datPath = directory.file("negative.dat")
        try Data(legacy).write(to: URL(fileURLWithPath: datPath))
        #expect { try ImportanceMatrix.read(path: datPath) } throws: { error in
            "\(error)" == "\(datPath): w.abc.values[1]: negative sum of squares -0.5"
        }
    }
}

import GGUF

/// A GGUFWriter plus the three imatrix keys, for hand-made bad files.
struct GGUFWriterFacade {
    var writer = GGUFWriter()

    mutating func addImatrixMetadata() {
        writer.metadata.set("general.type", .string("imatrix"))
        writer.metadata.set("imatrix.datasets", .array(.string(["x.txt"])))
        writer.metadata.set("imatrix.chunk_count", .uint32(1))
        writer.metadata.set("imatrix.chunk_size", .uint32(512))
    }
}
