import Foundation

/// Readers for the raw little-endian fixture files (no header).
public enum RawFiles {
    /// The bytes of `path`.
    public static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// `path` read as little-endian float32 values.
    public static func floats(_ path: String) throws -> [Float] {
        let data = try bytes(path)
        precondition(data.count % 4 == 0, "\(path) is not a whole number of float32 values")
        return stride(from: 0, to: data.count, by: 4).map { i in
            Float(bitPattern: UInt32(data[i]) | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2]) << 16 | UInt32(data[i + 3]) << 24)
        }
    }

    /// `path` read as little-endian uint16 values.
    public static func uint16s(_ path: String) throws -> [UInt16] {
        let data = try bytes(path)
        return stride(from: 0, to: data.count - 1, by: 2).map { UInt16(data[$0]) | UInt16(data[$0 + 1]) << 8 }
    }

    /// The first index where two float arrays differ bitwise, with both values, or nil when
    /// they are identical bit for bit (NaNs compare by bit pattern).
    public static func firstBitDifference(_ actual: [Float], _ expected: [Float]) -> (index: Int, actual: Float, expected: Float)? {
        if actual.count != expected.count {
            return (min(actual.count, expected.count), .nan, .nan)
        }
        for i in actual.indices where actual[i].bitPattern != expected[i].bitPattern {
            return (i, actual[i], expected[i])
        }
        return nil
    }
}
