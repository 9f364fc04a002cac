import Foundation
import IMatrix
import Kernels
import Testing
import TestSupport

/// The worked examples of docs/imatrix-spec.md (§1.4, §2.6, §5.4), verified there against llama-imatrix
/// byte for byte: the 68-byte legacy file and the 608-byte GGUF file, their conversions and
/// the combination of two files.
@Suite("Worked examples of the imatrix spec")
struct WorkedExampleTests {
    /// §1.4: the 68-byte legacy file.
    static let legacyHex = """
        0100 0000 1300 0000 626c 6b2e 302e 6174 746e 5f71 2e77 6569 6768 7402 0000 0004
        0000 0000 0000 4000 0080 4000 0080 3f00 0000 4102 0000 0009 0000 0063 616c 6962
        2e74 7874
        """

    /// §2.6: the 608-byte GGUF file.
    static let ggufHex = """
        4747 5546 0300 0000 0400 0000 0000 0000 0400 0000 0000 0000 0c00 0000 0000 0000
        6765 6e65 7261 6c2e 7479 7065 0800 0000 0700 0000 0000 0000 696d 6174 7269 7810
        0000 0000 0000 0069 6d61 7472 6978 2e64 6174 6173 6574 7309 0000 0008 0000 0001
        0000 0000 0000 0009 0000 0000 0000 0063 616c 6962 2e74 7874 1300 0000 0000 0000
        696d 6174 7269 782e 6368 756e 6b5f 636f 756e 7404 0000 0002 0000 0012 0000 0000
        0000 0069 6d61 7472 6978 2e63 6875 6e6b 5f73 697a 6504 0000 0000 0200 001b 0000
        0000 0000 0062 6c6b 2e30 2e61 7474 6e5f 712e 7765 6967 6874 2e69 6e5f 7375 6d32
        0100 0000 0400 0000 0000 0000 0000 0000 0000 0000 0000 0000 1a00 0000 0000 0000
        626c 6b2e 302e 6174 746e 5f71 2e77 6569 6768 742e 636f 756e 7473 0100 0000 0100
        0000 0000 0000 0000 0000 2000 0000 0000 0000 2200 0000 0000 0000 626c 6b2e 302e
        6666 6e5f 646f 776e 5f65 7870 732e 7765 6967 6874 2e69 6e5f 7375 6d32 0200 0000
        0200 0000 0000 0000 0200 0000 0000 0000 0000 0000 4000 0000 0000 0000 2100 0000
        0000 0000 626c 6b2e 302e 6666 6e5f 646f 776e 5f65 7870 732e 7765 6967 6874 2e63
        6f75 6e74 7302 0000 0001 0000 0000 0000 0002 0000 0000 0000 0000 0000 0060 0000
        0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000
        0000 8044 0000 0045 0000 0044 0000 8045 0000 0000 0000 0000 0000 0000 0000 0000
        0000 8044 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000
        0000 c040 0000 2041 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000
        0000 4040 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000
        """

    static func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.filter(\.isHexDigit))
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
    }

    /// The §2.6 state: attn_q sums [1024, 2048, 512, 4096] over 1024 tokens, and a 2-expert
    /// ffn_down_exps with sums [6, 10 | 0, 0] and counts [3, 0]; chunk_count 2.
    static var example: ImatrixCollection {
        ImatrixCollection(entries: [
            "blk.0.attn_q.weight": ImatrixEntry(name: "blk.0.attn_q.weight", sums: [1024, 2048, 512, 4096], counts: [1024]),
            "blk.0.ffn_down_exps.weight": ImatrixEntry(name: "blk.0.ffn_down_exps.weight", sums: [6, 10, 0, 0], counts: [3, 0]),
        ], datasets: ["calib.txt"], chunkCount: 2)
    }

    static func write(_ bytes: [UInt8], _ name: String, in directory: TemporaryDirectory) throws -> String {
        let path = directory.path + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("§2.6: the GGUF file is reproduced byte for byte (608 bytes)")
    func ggufBytes() throws {
        let (bytes, _) = try ImatrixWriter(format: .gguf, chunkSize: 512).encode(Self.example)
        #expect(bytes.count == 608)
        #expect(bytes == Self.bytes(Self.ggufHex))
    }

    @Test("§1.4: the legacy file is reproduced byte for byte (68 bytes)")
    func legacyBytes() throws {
        let state = ImatrixCollection(entries: ["blk.0.attn_q.weight": Self.example.entries["blk.0.attn_q.weight"]!],
                                      datasets: ["calib.txt"], chunkCount: 2)
        let (bytes, _) = try ImatrixWriter(format: .dat, chunkSize: 512).encode(state)
        #expect(bytes == Self.bytes(Self.legacyHex))
        #expect(bytes.count == 68)
    }

    @Test("§2.6 → dat: ncall 2 and 1, the zero-count expert stored as ncall")
    func ggufToLegacy() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.write(Self.bytes(Self.ggufHex), "ex2.gguf", in: directory)
        var collection = ImatrixCollection()
        try collection.add(ImportanceMatrix.read(path: path), chunkSize: 512)
        #expect(collection == Self.example)
        let (bytes, _) = try ImatrixWriter(format: .dat, chunkSize: 512).encode(collection)
        let legacy = try LegacyImatrixFormat.decode(bytes, path: "converted.dat")
        #expect(legacy.entries.map(\.name) == ["blk.0.attn_q.weight", "blk.0.ffn_down_exps.weight"])
        #expect(legacy.entries[0].counts == [2] && legacy.entries[0].values == [2, 4, 1, 8])
        #expect(legacy.entries[1].counts == [1] && legacy.entries[1].values == [2, Float(10) / 3, 1, 1])
        #expect(legacy.chunkCount == 2 && legacy.datasets == ["calib.txt"])
        // GGUF → GGUF is the identity (T3).
        #expect(try ImatrixWriter(format: .gguf, chunkSize: 512).encode(collection).bytes == Self.bytes(Self.ggufHex))
    }

    @Test("§1.4: a legacy file reloads with -c 512 to the original state, with -c 256 to half of it")
    func legacyReload() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.write(Self.bytes(Self.legacyHex), "ex1.dat", in: directory)
        let stored = try ImportanceMatrix.read(path: path)
        #expect(stored.format == .dat && stored.chunkCount == 2 && stored.datasets == ["calib.txt"])
        var full = ImatrixCollection()
        try full.add(stored, chunkSize: 512)
        #expect(full.entries["blk.0.attn_q.weight"] == ImatrixEntry(name: "blk.0.attn_q.weight", sums: [1024, 2048, 512, 4096], counts: [1024]))
        #expect(full.chunkCount == 2)
        var half = ImatrixCollection()
        try half.add(stored, chunkSize: 256)
        #expect(half.entries["blk.0.attn_q.weight"] == ImatrixEntry(name: "blk.0.attn_q.weight", sums: [512, 1024, 256, 2048], counts: [512]))
        #expect(half.chunkCount == 2)
        // T1: the legacy file converted to GGUF.
        let (gguf, _) = try ImatrixWriter(format: .gguf, chunkSize: 512).encode(full)
        let back = try Self.write(gguf, "t1.gguf", in: directory)
        let reread = try ImportanceMatrix.read(path: back)
        #expect(reread.entries == [ImportanceMatrix.Entry(name: "blk.0.attn_q.weight", values: [1024, 2048, 512, 4096], counts: [1024])])
        #expect(reread.chunkCount == 2 && reread.chunkSize == 512 && reread.datasets == ["calib.txt"])
    }

    @Test("Legacy MoE → GGUF gives a flat entry with one count (§1.4 consequence)")
    func legacyMoEIsFlat() throws {
        let state = ImatrixCollection(entries: ["blk.0.ffn_down_exps.weight": Self.example.entries["blk.0.ffn_down_exps.weight"]!],
                                      datasets: ["calib.txt"], chunkCount: 1)
        let (legacy, _) = try ImatrixWriter(format: .dat, chunkSize: 512).encode(state)
        var reloaded = ImatrixCollection()
        try reloaded.add(LegacyImatrixFormat.decode(legacy, path: "moe.dat"), chunkSize: 512)
        let entry = try #require(reloaded.entries["blk.0.ffn_down_exps.weight"])
        #expect(entry.counts == [512])
        #expect(entry.sums == [1024, Double(Float(Float(10) / 3 * 512)), 512, 512])
        let (gguf, _) = try ImatrixWriter(format: .gguf, chunkSize: 512).encode(reloaded)
        let directory = try TemporaryDirectory()
        let file = try ImportanceMatrix.read(path: Self.write(gguf, "flat.gguf", in: directory))
        #expect(file.entries[0].counts == [512] && file.entries[0].values.count == 4)
    }

    @Test("§5.4: combining two GGUF files adds sums and counts and lists both datasets (T4)")
    func combine() throws {
        let directory = try TemporaryDirectory()
        let a = try Self.write(Self.bytes(Self.ggufHex), "ex2.gguf", in: directory)
        let other = ImatrixCollection(entries: [
            "blk.0.attn_q.weight": ImatrixEntry(name: "blk.0.attn_q.weight", sums: [512, 512, 512, 512], counts: [512]),
        ], datasets: ["other.txt"], chunkCount: 1)
        let b = try Self.write(try ImatrixWriter(format: .gguf, chunkSize: 512).encode(other).bytes, "exB.gguf", in: directory)
        var combined = ImatrixCollection()
        for path in [a, b] { try combined.add(ImportanceMatrix.read(path: path), chunkSize: 512) }
        #expect(combined.entries["blk.0.attn_q.weight"] == ImatrixEntry(name: "blk.0.attn_q.weight", sums: [1536, 2560, 1024, 4608], counts: [1536]))
        #expect(combined.entries["blk.0.ffn_down_exps.weight"]?.counts == [3, 0])
        #expect(combined.datasets == ["calib.txt", "other.txt"])
        #expect(combined.chunkCount == 3)
        // C1: a file with a different column count is refused, naming file and entry.
        let narrow = ImatrixCollection(entries: [
            "blk.0.attn_q.weight": ImatrixEntry(name: "blk.0.attn_q.weight", sums: [1, 1, 1], counts: [1]),
        ], datasets: [], chunkCount: 0)
        let c = try Self.write(try ImatrixWriter(format: .gguf, chunkSize: 512).encode(narrow).bytes, "exC.gguf", in: directory)
        #expect(throws: ImatrixError.self) { try combined.add(ImportanceMatrix.read(path: c), chunkSize: 512) }
        do {
            try combined.add(ImportanceMatrix.read(path: c), chunkSize: 512)
        } catch {
            #expect(error.description.contains("exC.gguf: blk.0.attn_q.weight: mismatched sums size"))
        }
    }
}
