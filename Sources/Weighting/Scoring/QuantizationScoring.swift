import GGUF
import Kernels
import Quantization

/// Scores a weight formula on one matrix: quantize every row with the formula's weights,
/// dequantize, and compare with the originals using the raw importance (docs/weighting-spec.md §5.1).
public enum QuantizationScoring {
    /// Failure of a scoring run (a bad request or a formula that needs an imatrix).
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Quantizes `rowCount × rowLength` floats at `rows` to `type` with `formula`, dequantizes
    /// them and returns the error sums. `importance` (one value per column, the raw imatrix
    /// mean) feeds both the formula and the weighted metrics (which take it as it is, whatever
    /// the formula makes of it; `pooled` is the tensor's pooled importance); without it the
    /// metrics use 1.
    public static func score(
        _ type: GGMLType, formula: any WeightFormula, rows: UnsafePointer<Float>, rowCount: Int, rowLength: Int,
        importance: [Float]?, tokenCount: Float = 0, pooled: [Float]? = nil, threads: Int = Parallel.processorCount
    ) throws(Failure) -> ErrorTotals {
        var decoded = [Float](repeating: 0, count: rowCount * rowLength)
        return try decoded.withUnsafeMutableBufferPointer { (buffer) throws(Failure) -> ErrorTotals in
            try reconstruct(type, formula: formula, rows: rows, rowCount: rowCount, rowLength: rowLength,
                            importance: importance, tokenCount: tokenCount, pooled: pooled, into: buffer.baseAddress!, threads: threads)
        }
    }

    /// Like ``score(_:formula:rows:rowCount:rowLength:importance:tokenCount:threads:)``, and
    /// keeps the dequantized reconstruction in `decoded` (`rowCount × rowLength` floats): the
    /// fake-quantized weights a sweep puts into the model.
    public static func reconstruct(
        _ type: GGMLType, formula: any WeightFormula, rows: UnsafePointer<Float>, rowCount: Int, rowLength: Int,
        importance: [Float]?, tokenCount: Float = 0, pooled: [Float]? = nil, into decoded: UnsafeMutablePointer<Float>,
        threads: Int = Parallel.processorCount
    ) throws(Failure) -> ErrorTotals {
        if importance == nil && formula.needsImportance {
            throw Failure(description: "formula '\(formula)' needs an importance matrix")
        }
        var bytes = [UInt8](repeating: 0, count: RowQuantizer.byteCount(type, rowCount: rowCount, rowLength: rowLength))
        do {
            try bytes.withUnsafeMutableBytes { output in
                try FormulaQuantizer.quantize(type, formula: formula, rows: rows, rowCount: rowCount, rowLength: rowLength,
                                              importance: importance, tokenCount: tokenCount, pooled: pooled,
                                              into: output.baseAddress!, threads: threads)
            }
        } catch {
            throw Failure(description: "\(error)")
        }
        do {
            try bytes.withUnsafeBytes { source in
                try Dequantizer.dequantize(type, from: source.baseAddress!, elementCount: rowCount * rowLength,
                                           into: decoded, threads: threads)
            }
        } catch {
            throw Failure(description: "\(error)")
        }
        return rowTotals(rows, decoded, rowCount: rowCount, rowLength: rowLength, importance: importance, threads: threads)
    }

    private static func rowTotals(
        _ rows: UnsafePointer<Float>, _ decoded: UnsafeMutablePointer<Float>, rowCount: Int, rowLength: Int, importance: [Float]?, threads: Int
    ) -> ErrorTotals {
        var perRow = [ErrorTotals](repeating: ErrorTotals(), count: rowCount)
        let y = UnsafePointer(decoded)
        // The importance pointer is used only inside the closure that provides it.
        func accumulate(_ qw: UnsafePointer<Float>?) {
            perRow.withUnsafeMutableBufferPointer { totals in
                let base = totals.baseAddress!
                Parallel.forEachRange(count: rowCount, threads: threads, grain: 16) { range in
                    for r in range {
                        base[r].addRow(rows + r * rowLength, y + r * rowLength, count: rowLength, importance: qw)
                    }
                }
            }
        }
        if let importance {
            importance.withUnsafeBufferPointer { accumulate($0.baseAddress) }
        } else {
            accumulate(nil)
        }
        var total = ErrorTotals()
        for row in perRow { total.add(row) }
        return total
    }
}
