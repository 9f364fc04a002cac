import GGUF
import IMatrix
import Kernels
import Quantization
import Weighting

/// Converts one tensor to its planned type: dequantizes the stored rows (F32 is read in place),
/// checks them, and quantizes each expert matrix with its own importance slice and the
/// tensor's formula, a slab of rows at a time so memory stays near one slab of float32.
struct TensorConverter {
    let file: GGUFFile
    let importance: ImportanceMatrix?
    let formulas: FormulaRules
    let threads: Int
    /// Rows per slab are chosen to keep a slab at or under this many floats.
    var slabFloats = 16 << 20

    func convert(_ plan: PlannedTensor, into output: UnsafeMutableRawBufferPointer) throws(QuantizeError) {
        let info: GGUFTensorInfo
        do { info = try file.tensor(named: plan.name) } catch { throw QuantizeError(file: file.path, field: plan.name, message: error.message, cause: error) }
        defer { file.releasePages(of: info) }
        let rowLength = info.rowLength
        let rowsPerMatrix = info.shape.count > 1 ? info.shape[1] : 1
        let matrices = info.rowCount / max(1, rowsPerMatrix)
        let slices = try importanceSlices(plan, columns: rowLength, matrices: matrices)
        let formula = formulas.formula(for: plan.name)
        let slabRows = max(1, min(rowsPerMatrix, slabFloats / max(1, rowLength)))
        let sourceRowBytes = info.rowByteCount
        let targetRowBytes = plan.targetType.rowByteCount(elements: rowLength)
        let source = file.data(of: info)
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: slabRows * rowLength)
        defer { buffer.deallocate() }
        for matrix in 0..<matrices {
            let slice = slices?[matrix] ?? nil
            var row = 0
            while row < rowsPerMatrix {
                let count = min(slabRows, rowsPerMatrix - row)
                let first = matrix * rowsPerMatrix + row
                let rows = try floats(info, source.baseAddress! + first * sourceRowBytes, rows: count, buffer: buffer)
                try checkFinite(rows, count: count, rowLength: rowLength, firstRow: first, tensor: plan.name)
                let target = output.baseAddress! + first * targetRowBytes
                if plan.targetType == .f32 {
                    target.copyMemory(from: rows, byteCount: count * rowLength * 4)
                } else {
                    do {
                        try FormulaQuantizer.quantize(plan.targetType, formula: formula, rows: rows, rowCount: count, rowLength: rowLength,
                                                      importance: slice?.values, tokenCount: slice?.tokenCount ?? 0, pooled: slice?.pooled,
                                                      into: target, threads: threads)
                    } catch {
                        throw QuantizeError(file: file.path, field: plan.name, message: error.description, cause: error)
                    }
                }
                row += count
            }
        }
    }

    /// The rows as float32: the mapping itself for F32, else decoded into `buffer`.
    private func floats(_ info: GGUFTensorInfo, _ bytes: UnsafeRawPointer, rows: Int, buffer: UnsafeMutablePointer<Float>) throws(QuantizeError) -> UnsafePointer<Float> {
        if info.type == .f32 { return bytes.assumingMemoryBound(to: Float.self) }
        do {
            try Dequantizer.dequantize(info.type, from: bytes, elementCount: rows * info.rowLength, into: buffer,
                                       threads: threads, tensorName: info.name, file: file.path)
        } catch {
            throw QuantizeError(file: file.path, field: info.name, message: error.message, cause: error)
        }
        return UnsafePointer(buffer)
    }

    private func importanceSlices(_ plan: PlannedTensor, columns: Int, matrices: Int) throws(QuantizeError) -> [ImportanceMatrix.Slice?]? {
        guard let importance else { return nil }
        // llama-quantize quantizes a token embedding whose entry does not fit without importance.
        if TensorCategory.isTokenEmbedding(plan.name), let entry = importance.entry(named: plan.name), entry.values.count != columns * matrices {
            return nil
        }
        do {
            return try importance.slices(for: plan.name, columns: columns, matrices: matrices, zeroCount: .ones)
        } catch {
            throw QuantizeError(file: importance.path, field: plan.name, message: error.message, cause: error)
        }
    }

    private func checkFinite(_ rows: UnsafePointer<Float>, count: Int, rowLength: Int, firstRow: Int, tensor: String) throws(QuantizeError) {
        let total = count &* rowLength
        for index in 0..<total where !rows[index].isFinite {
            throw QuantizeError(file: file.path, field: "\(tensor) row \(firstRow + index / rowLength), column \(index % rowLength)",
                                message: "\(rows[index]) is not a finite weight")
        }
    }
}
