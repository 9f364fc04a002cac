import ArgumentParser
import Foundation
import GGUF
import Kernels
import Quantization
import Weighting

/// `imx quantize-raw --type T --n-per-row N --input ROWS.f32 [--importance QW.f32] [--formula F] -o OUT.bin`.
struct QuantizeRawCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize-raw",
        abstract: "Quantize raw little-endian float32 rows to ggml blocks (ggml_quantize_chunk's bytes with the llama formula)."
    )

    @Option(name: .customLong("type"), help: "Target type, e.g. Q4_K.", transform: TypeList.singleReader("--type", use: .quantize))
    var type: GGMLType

    @Option(help: "Elements per row (a multiple of the type's block size).")
    var nPerRow: Int

    @Option(help: "Rows of float32, little-endian, no header.")
    var input: String

    @Option(help: "Importance: one float32 per column.")
    var importance: String?

    @Option(help: "Weighting formula (default llama: ggml's own rule). (default: llama)", transform: FormulaArgument.reader("--formula"))
    var formula: FormulaArgument = .llama

    @Option(name: [.short, .customLong("output")], help: "Output file for the quantized rows.")
    var output: String

    @OptionGroup var threadOptions: ThreadOptions

    func validate() throws {
        let weightFormula = try formula.formula()
        try RowQuantizer.validate(type, rowLength: nPerRow, importance: nil)
        if weightFormula.needsImportance && importance == nil {
            throw CommandError("--formula \(weightFormula) needs --importance")
        }
    }

    func run() throws {
        try OutputCheck.prepare(outputs: [output], inputs: [input] + (importance.map { [$0] } ?? []))
        let weightFormula = try formula.formula()
        let rows = try RawFloats.read(input, option: "--input")
        guard rows.count % nPerRow == 0 else {
            throw QuantizationError(file: input, field: "n_per_row",
                                    message: "\(rows.count) floats are not whole rows of \(nPerRow)")
        }
        if let index = rows.firstIndex(where: { !$0.isFinite }) {
            throw QuantizationError(file: input, field: "row \(index / nPerRow), column \(index % nPerRow)", message: "\(rows[index]) is not finite")
        }
        let qw = try importance.map { try RawFloats.read($0, option: "--importance") }
        if let qw, let importance {
            try qw.withUnsafeBufferPointer { try RowQuantizer.validate(type, rowLength: nPerRow, importance: $0, file: importance) }
        }
        let rowCount = rows.count / nPerRow
        var bytes = [UInt8](repeating: 0, count: RowQuantizer.byteCount(type, rowCount: rowCount, rowLength: nPerRow))
        try rows.withUnsafeBufferPointer { x in
            try bytes.withUnsafeMutableBytes { out in
                try FormulaQuantizer.quantize(type, formula: weightFormula, rows: x.baseAddress!, rowCount: rowCount, rowLength: nPerRow,
                                              importance: qw, into: out.baseAddress!, threads: threadOptions.threads)
            }
        }
        try AtomicFile.write(bytes, to: output)
        print("\(rowCount) rows × \(nPerRow) → \(type.name), \(bytes.count) bytes, formula \(weightFormula): \(output)")
    }
}

/// `imx dequantize-raw --type T --n-per-row N --input IN.bin -o OUT.f32`.
struct DequantizeRawCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dequantize-raw",
        abstract: "Dequantize raw ggml blocks to little-endian float32 rows."
    )

    @Option(name: .customLong("type"), help: "Source type, e.g. Q4_K.", transform: TypeList.singleReader("--type", use: .dequantize))
    var type: GGMLType

    @Option(help: "Elements per row (a multiple of the type's block size).")
    var nPerRow: Int

    @Option(help: "Quantized rows, no header.")
    var input: String

    @Option(name: [.short, .customLong("output")], help: "Output float32 file.")
    var output: String

    @OptionGroup var threadOptions: ThreadOptions

    func validate() throws {
        guard nPerRow > 0, nPerRow % type.blockSize == 0 else {
            throw QuantizationError(field: "n_per_row", message: "\(nPerRow) is not a positive multiple of \(type.name)'s block size \(type.blockSize)")
        }
    }

    func run() throws {
        try OutputCheck.prepare(outputs: [output], inputs: [input])
        guard let data = FileManager.default.contents(atPath: input) else {
            throw QuantizationError(file: input, field: "--input", message: "cannot read")
        }
        let rowBytes = type.rowByteCount(elements: nPerRow)
        guard data.count % rowBytes == 0 else {
            throw QuantizationError(file: input, field: "size", message: "\(data.count) bytes are not whole rows of \(rowBytes) bytes (\(type.name), n_per_row \(nPerRow))")
        }
        let count = data.count / rowBytes * nPerRow
        var values = [Float](repeating: 0, count: count)
        try data.withUnsafeBytes { source in
            try values.withUnsafeMutableBufferPointer { destination in
                try Dequantizer.dequantize(type, from: source.baseAddress!, elementCount: count,
                                           into: destination.baseAddress!, threads: threadOptions.threads)
            }
        }
        try values.withUnsafeBytes { try AtomicFile.write(Array($0), to: output) }
        print("\(count / nPerRow) rows × \(nPerRow) from \(type.name) → \(count * 4) bytes of float32: \(output)")
    }
}

/// Reads a raw little-endian float32 file.
enum RawFloats {
    static func read(_ path: String, option: String) throws -> [Float] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw QuantizationError(file: path, field: option, message: "cannot read")
        }
        guard data.count % 4 == 0 else {
            throw QuantizationError(file: path, field: option, message: "\(data.count) bytes are not whole float32 values")
        }
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }
}
