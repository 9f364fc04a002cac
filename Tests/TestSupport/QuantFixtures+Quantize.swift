import GGUF
import Quantization

extension QuantFixtures {
    /// Quantizes `x` (rows × rowLength) with this project's quantizer.
    public static func quantize(
        _ type: GGMLType, _ x: [Float], rows: Int, rowLength: Int, importance: [Float]?,
        weighting: (any ElementWeighting)? = nil, threads: Int = 2
    ) throws -> [UInt8] {
        var output = [UInt8](repeating: 0xA5, count: RowQuantizer.byteCount(type, rowCount: rows, rowLength: rowLength))
        try x.withUnsafeBufferPointer { rowsBuffer in
            try output.withUnsafeMutableBytes { destination in
                if let importance {
                    try importance.withUnsafeBufferPointer { qw in
                        try RowQuantizer.quantize(type, rows: rowsBuffer.baseAddress!, rowCount: rows, rowLength: rowLength,
                                                  importance: qw, weighting: weighting, into: destination.baseAddress!,
                                                  threads: threads)
                    }
                } else {
                    try RowQuantizer.quantize(type, rows: rowsBuffer.baseAddress!, rowCount: rows, rowLength: rowLength,
                                              importance: nil, weighting: weighting, into: destination.baseAddress!,
                                              threads: threads)
                }
            }
        }
        return output
    }

    /// Quantizes a manifest case and compares with ggml: nil when the bytes and the decoded
    /// floats are identical, otherwise where the first difference is (row, block, byte).
    public static func quantizeMismatch(_ fixture: Case) throws -> String? {
        guard let type = GGMLType(name: fixture.type) else { return "unknown type" }
        let x = try RawFiles.floats(fixture.inputPath)
        let importance = try fixture.importancePath.map(RawFiles.floats)
        let actual = try quantize(type, x, rows: fixture.rows, rowLength: fixture.rowLength, importance: importance)
        let expected = try RawFiles.bytes(fixture.quantizedPath)
        guard actual.count == expected.count else { return "\(actual.count) bytes, ggml has \(expected.count)" }
        if let index = zip(actual, expected).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            let rowBytes = type.rowByteCount(elements: fixture.rowLength)
            let differing = zip(actual, expected).filter { $0 != $1 }.count
            return "byte \(index) (row \(index / rowBytes), block \(index % rowBytes / type.typeSize), offset \(index % type.typeSize)) "
                + "is \(actual[index]), ggml has \(expected[index]); \(differing) bytes differ"
        }
        let decoded = try dequantize(type, actual)
        if let difference = RawFiles.firstBitDifference(decoded, try RawFiles.floats(fixture.decodedPath)) {
            return "decoded element \(difference.index) is \(difference.actual), ggml gives \(difference.expected)"
        }
        return nil
    }
}
