import Foundation
import GGUF

/// The cases of `shared/fixtures/quant/manifest.json` (ggml's own quantized bytes and
/// dequantized floats; see that folder's README).
public enum QuantFixtures {
    /// A quantize→dequantize case: ggml's bytes in `quantized`, its decoded floats in `decoded`.
    public struct Case: Sendable, CustomStringConvertible {
        public let type: String
        public let set: String
        public let importance: Bool
        public let rows: Int
        public let rowLength: Int
        public let quantizedPath: String
        public let decodedPath: String
        public let inputPath: String
        public let importancePath: String?
        public var description: String { "\(type) on \(set) \(importance ? "with" : "without") importance" }
    }

    /// A bytes→floats vector (all F16/BF16 patterns, random blocks, the model's real rows).
    public struct DecodeVector: Sendable, CustomStringConvertible {
        public let name: String
        public let type: String
        public let elements: Int
        public let bytesPath: String
        public let floatsPath: String
        public var description: String { name }
    }

    /// A float→F16/BF16 encoding vector.
    public struct EncodeVector: Sendable {
        public let name: String
        public let type: String
        public let inputPath: String
        public let outputPath: String
    }

    static func manifest() throws -> [String: Any] {
        let path = try TestEnvironment.fixture("quant/manifest.json")
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw AssetError("\(path) is not a JSON object")
        }
        return object
    }

    static func path(_ relative: Any?) throws -> String {
        guard let relative = relative as? String else { throw AssetError("manifest entry without a file") }
        return try TestEnvironment.fixture("quant/" + relative)
    }

    /// Every quantize→dequantize case.
    public static func cases() throws -> [Case] {
        guard let entries = try manifest()["cases"] as? [[String: Any]] else { throw AssetError("manifest has no cases") }
        return try entries.map { e in
            Case(type: e["type"] as? String ?? "?", set: e["set"] as? String ?? "?",
                 importance: e["imatrix"] as? Bool ?? false,
                 rows: e["nrows"] as? Int ?? 0, rowLength: e["n_per_row"] as? Int ?? 0,
                 quantizedPath: try path(e["q_file"]), decodedPath: try path(e["deq_file"]),
                 inputPath: try path(e["input_file"]),
                 importancePath: try (e["imatrix_file"] as? String).map { try path($0) })
        }
    }

    /// Every bytes→floats vector.
    public static func decodeVectors() throws -> [DecodeVector] {
        guard let entries = try manifest()["dequant"] as? [[String: Any]] else { throw AssetError("manifest has no dequant vectors") }
        return try entries.map { e in
            DecodeVector(name: e["name"] as? String ?? "?", type: e["type"] as? String ?? "?",
                         elements: e["n_elements"] as? Int ?? 0,
                         bytesPath: try path(e["bytes_file"]), floatsPath: try path(e["f32_file"]))
        }
    }

    /// The float→F16/BF16 vectors.
    public static func encodeVectors() throws -> [EncodeVector] {
        guard let entries = try manifest()["encode"] as? [[String: Any]] else { throw AssetError("manifest has no encode vectors") }
        return try entries.map { e in
            EncodeVector(name: e["name"] as? String ?? "?", type: e["type"] as? String ?? "?",
                         inputPath: try path(e["f32_in_file"]), outputPath: try path(e["bytes_out_file"]))
        }
    }

    /// Dequantizes `bytes` of `type` with this project's dequantizer.
    public static func dequantize(_ type: GGMLType, _ bytes: [UInt8], threads: Int = 2) throws -> [Float] {
        let count = bytes.count / type.typeSize * type.blockSize
        var output = [Float](repeating: .nan, count: count)
        try bytes.withUnsafeBytes { source in
            try output.withUnsafeMutableBufferPointer { destination in
                try Dequantizer.dequantize(type, from: source.baseAddress!, elementCount: count,
                                           into: destination.baseAddress!, threads: threads)
            }
        }
        return output
    }
}
