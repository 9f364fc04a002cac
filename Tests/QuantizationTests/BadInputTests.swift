import Testing
import GGUF
import Quantization
import TestSupport

/// Requests the quantizers refuse, with one-line errors naming the field.
@Suite("Quantizer input validation")
struct BadInputTests {
    static func quantize(_ type: GGMLType, rowLength: Int, importance: [Float]?) throws(QuantizationError) {
        let x = [Float](repeating: 0.25, count: 2 * rowLength)
        var out = [UInt8](repeating: 0, count: 2 * (rowLength / max(1, type.blockSize) + 1) * type.typeSize)
        do {
            try x.withUnsafeBufferPointer { rows in
                try out.withUnsafeMutableBytes { bytes in
                    if let importance {
                        try importance.withUnsafeBufferPointer {
                            try RowQuantizer.quantize(type, rows: rows.baseAddress!, rowCount: 2, rowLength: rowLength,
                                                      importance: $0, into: bytes.baseAddress!)
                        }
                    } else {
                        try RowQuantizer.quantize(type, rows: rows.baseAddress!, rowCount: 2, rowLength: rowLength,
                                                  importance: nil, into: bytes.baseAddress!)
                    }
                }
            }
        } catch let error as QuantizationError {
            throw error
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    static func expectError(_ field: String, _ message: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("no error, expected \(field): \(message)")
        } catch let error as QuantizationError {
            #expect(error.field == field, "\(error)")
            #expect(error.message.contains(message), "\(error)")
            #expect(!error.description.contains("\n"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("Importance of the wrong length")
    func wrongLength() {
        Self.expectError("importance", "255 values, expected one per column (n_per_row = 256)") {
            try Self.quantize(.q4_K, rowLength: 256, importance: [Float](repeating: 1, count: 255))
        }
    }

    @Test("NaN, infinite or negative importance", arguments: [Float.nan, -1, .infinity, -0.0001])
    func badImportance(_ value: Float) {
        var importance = [Float](repeating: 1, count: 64)
        importance[17] = value
        Self.expectError("importance[17]", "is not a finite non-negative importance") {
            try Self.quantize(.q4_0, rowLength: 64, importance: importance)
        }
    }

    @Test("n_per_row not a multiple of the block size", arguments: [(GGMLType.q4_K, 640), (.q4_0, 48), (.iq4_XS, 128), (.q8_0, 0)])
    func badRowLength(_ type: GGMLType, _ length: Int) {
        Self.expectError("n_per_row", "is not a positive multiple of \(type.name)'s block size \(type.blockSize)") {
            try Self.quantize(type, rowLength: length, importance: nil)
        }
    }

    @Test("Types without a quantizer", arguments: [GGMLType.mxfp4, .nvfp4, .q8_1, .q8_K])
    func unsupportedType(_ type: GGMLType) {
        Self.expectError("type", "cannot quantize to \(type.name)") {
            try Self.quantize(type, rowLength: 256, importance: nil)
        }
    }

    @Test("IQ2_XXS and IQ2_XS need importance (or a weighting), as in ggml", arguments: [GGMLType.iq2_XXS, .iq2_XS])
    func latticeNeedsImportance(_ type: GGMLType) {
        Self.expectError("importance", "\(type.name) requires an importance matrix") {
            try Self.quantize(type, rowLength: 256, importance: nil)
        }
    }

    @Test("Zero importance is valid (dead channels zero their blocks, as in ggml)")
    func zeroImportance() throws {
        try Self.quantize(.q4_K, rowLength: 256, importance: [Float](repeating: 0, count: 256))
    }
}
