import Foundation
import Kernels

/// The `f32bin` dump format read by external analysis scripts: `int64 rows, int64 columns`
/// little-endian, then `rows × columns` float32 little-endian, row-major.
public enum Float32MatrixFile {
    /// A file that is not a well-formed f32bin matrix: `PATH: FIELD: MESSAGE`.
    public struct ReadError: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let field: String
        public let message: String
        public var description: String { "\(path): \(field): \(message)" }
    }

    /// A matrix read back.
    public struct Matrix: Sendable, Equatable {
        public var rows: Int
        public var columns: Int
        public var values: [Float]
    }

    static let headerBytes = 16

    /// Writes `values` (`rows × columns`) to `path` atomically.
    public static func write(_ values: UnsafeBufferPointer<Float>, rows: Int, columns: Int, to path: String) throws(AtomicFile.WriteError) {
        precondition(values.count == rows * columns)
        var header = [UInt8]()
        header.reserveCapacity(headerBytes)
        for value in [Int64(rows), Int64(columns)] {
            withUnsafeBytes(of: value.littleEndian) { header.append(contentsOf: $0) }
        }
        try AtomicFile.write(to: path) { descriptor throws(AtomicFile.WriteError) in
            let headerFailure: AtomicFile.WriteError? = header.withUnsafeBytes { bytes in
                do throws(AtomicFile.WriteError) { try AtomicFile.writeAll(bytes, to: descriptor, path: path) } catch { return error }
                return nil
            }
            if let headerFailure { throw headerFailure }
            // Values go out as stored: every platform Swift targets here is little-endian.
            try AtomicFile.writeAll(UnsafeRawBufferPointer(values), to: descriptor, path: path)
        }
    }

    /// Reads the matrix at `path`.
    /// - Throws: ``ReadError`` for a missing file, a short header, a negative or overflowing
    ///   shape, or a size that does not match the shape.
    public static func read(path: String) throws(ReadError) -> Matrix {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(path: path, field: "file", message: "cannot be read")
        }
        guard data.count >= headerBytes else {
            throw ReadError(path: path, field: "header", message: "\(data.count) bytes, the header needs \(headerBytes)")
        }
        let shape = data.withUnsafeBytes { raw in
            (Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: Int64.self)),
             Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: Int64.self)))
        }
        guard shape.0 >= 0, shape.1 >= 0 else {
            throw ReadError(path: path, field: "shape", message: "negative shape \(shape.0) × \(shape.1)")
        }
        let (count, overflow) = shape.0.multipliedReportingOverflow(by: shape.1)
        guard !overflow, count <= Int64(Int.max / 4 - headerBytes), Int64(data.count) == Int64(headerBytes) + count * 4 else {
            throw ReadError(path: path, field: "data",
                            message: "\(data.count - headerBytes) bytes of values, shape \(shape.0) × \(shape.1) needs \(overflow ? "more than can be addressed" : String(count * 4))")
        }
        var values = [Float](repeating: 0, count: Int(count))
        data.withUnsafeBytes { raw in
            for index in 0..<Int(count) {
                values[index] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: headerBytes + index * 4, as: UInt32.self)))
            }
        }
        return Matrix(rows: Int(shape.0), columns: Int(shape.1), values: values)
    }

    /// `blk_<i>_<name>_weight.f32bin` for `blk.<i>.<name>.weight` (other names: dots become underscores).
    public static func weightFileName(tensor name: String) -> String {
        name.replacingOccurrences(of: ".", with: "_") + ".f32bin"
    }

    /// `act_blk<i>_<input>.f32bin`, the sampled input rows of a block's product input.
    public static func activationFileName(block: Int?, input: String) -> String {
        block.map { "act_blk\($0)_\(input).f32bin" } ?? "act_\(input).f32bin"
    }
}
