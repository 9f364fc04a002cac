import Foundation
import Testing
import GGUF
import TestSupport

/// `imx quantize-error` on a small Mixture-of-Experts tensor: every expert is scored with its
/// own importance slice, and a zero-count expert gets importance 1 or is skipped.
@Suite("imx quantize-error on experts")
struct QuantizeErrorExpertTests {
    /// A model with one 3-expert tensor (256 columns, 4 rows per expert) and an imatrix whose
    /// second expert saw no tokens.
    static func files(in directory: TemporaryDirectory) throws -> (model: String, imatrix: String) {
        var model = GGUFWriter()
        let weights = (0..<(256 * 4 * 3)).map { Float(sin(Double($0) * 0.37)) * 0.02 }
        try model.addTensor(name: "blk.0.ffn_down_exps.weight", shape: [256, 4, 3], float32: weights)
        try model.write(to: directory.file("moe.gguf"))
        var imatrix = GGUFWriter()
        imatrix.metadata.set("general.type", .string("imatrix"))
        imatrix.metadata.set("imatrix.datasets", .array(.string(["calibration.txt"])))
        imatrix.metadata.set("imatrix.chunk_count", .uint32(1))
        imatrix.metadata.set("imatrix.chunk_size", .uint32(16))
        var sums = [Float](repeating: 0, count: 256 * 3)
        for j in sums.indices where j / 256 != 1 {
            let value: Int = 1 + (j * 7919) % 97
            sums[j] = Float(value)
        }
        try imatrix.addTensor(name: "blk.0.ffn_down_exps.weight.in_sum2", shape: [256, 3], float32: sums)
        try imatrix.addTensor(name: "blk.0.ffn_down_exps.weight.counts", shape: [1, 3], float32: [10, 0, 5])
        try imatrix.write(to: directory.file("moe.imatrix.gguf"))
        return (directory.file("moe.gguf"), directory.file("moe.imatrix.gguf"))
    }

    static func report(_ arguments: [String]) throws -> [String: Any] {
        let result = try InspectCommandTests.imx(arguments + ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test("Zero-count expert: ones by default (all 3 experts scored), skip leaves it out")
    func zeroCountPolicy() throws {
        let directory = try TemporaryDirectory()
        let (model, imatrix) = try Self.files(in: directory)
        let base = ["quantize-error", "-m", model, "--imatrix", imatrix, "--type", "Q4_K", "--formula", "llama,uniform"]
        let ones = try #require(try Self.report(base)["rows"] as? [[String: Any]])
        let skip = try #require(try Self.report(base + ["--zero-count", "skip"])["rows"] as? [[String: Any]])
        #expect(ones.count == 2 && skip.count == 2)
        #expect(ones.allSatisfy { $0["parameters"] as? Int == 3 * 4 * 256 })
        #expect(skip.allSatisfy { $0["parameters"] as? Int == 2 * 4 * 256 })
        #expect(ones[0]["weighted_rmse"] as? Double != skip[0]["weighted_rmse"] as? Double)
        let bad = try InspectCommandTests.imx(base + ["--zero-count", "maybe"])
        #expect(bad.status != 0 && bad.stderr.contains("--zero-count must be ones or skip"), "\(bad.stderr)")
    }
}
