import GGUF
import Kernels
import Quantization

/// Quantizes one matrix with a weighting formula: the one entry point shared by scoring,
/// `imx quantize`, `imx quantize-raw` and the tests. With ``LlamaFormula`` the bytes are
/// `ggml_quantize_chunk`'s for the same importance (or for none).
public enum FormulaQuantizer {
    /// Quantizes `rowCount × rowLength` floats at `rows` to `type` into `output`
    /// (``RowQuantizer/byteCount(_:rowCount:rowLength:)`` bytes). `importance` is one raw imatrix
    /// mean per column (nil: none); `tokenCount` the tokens behind it and `pooled` its tensor's
    /// pooled importance, for formulas that read them.
    /// A formula that needs importance quantizes a matrix without it as `llama` does.
    /// - Throws: ``QuantizationError`` for an unsupported type, a bad row length or importance.
    public static func quantize(
        _ type: GGMLType, formula: any WeightFormula, rows: UnsafePointer<Float>, rowCount: Int, rowLength: Int,
        importance own: [Float]?, tokenCount: Float = 0, pooled: [Float]? = nil, into output: UnsafeMutableRawPointer,
        threads: Int = Parallel.processorCount
    ) throws(QuantizationError) {
        let effective = formula.applicable(hasImportance: own != nil)
        let weighting = effective.weighting(context: context(own, tokenCount: tokenCount), hasImportance: own != nil)
        guard let own else {
            try RowQuantizer.quantize(type, rows: rows, rowCount: rowCount, rowLength: rowLength, importance: nil,
                                      weighting: weighting, into: output, threads: threads)
            return
        }
        let importance = effective.quantizerImportance(own, tokenCount: tokenCount, pooled: pooled)
        try importance.withUnsafeBufferPointer { (qw) throws(QuantizationError) in
            try RowQuantizer.quantize(type, rows: rows, rowCount: rowCount, rowLength: rowLength, importance: qw,
                                      weighting: weighting, into: output, threads: threads)
        }
    }

    /// The per-matrix statistics a formula sees: the importance's mean (1 without) and the tokens.
    public static func context(_ importance: [Float]?, tokenCount: Float) -> FormulaContext {
        guard let importance, !importance.isEmpty else { return FormulaContext(meanImportance: 1, tokenCount: tokenCount) }
        var sum: Double = 0
        for value in importance { sum += Double(value) }
        return FormulaContext(meanImportance: Float(sum / Double(importance.count)), tokenCount: tokenCount)
    }
}
