import GGUF
import Kernels

/// The output projection `logits = x · Wᵀ` over the vocabulary, delivered in blocks (see
/// ``LogitsRequest``) so the whole `rows × vocabulary` matrix never exists at once.
struct OutputProjection {
    let weight: LinearWeight
    let store: WeightStore
    let threads: Int
    /// Vocabulary rows dequantized at a time for ``LogitsLayout/fullRows(rowsPerSlice:)``.
    static let vocabularyChunk = 8192
    /// Rows multiplied at a time in ``LogitsLayout/vocabularyBlocks(width:)``.
    static let maximumRowsPerProduct = 1024

    func run(_ x: UnsafePointer<Float>, rows: Int, request: LogitsRequest,
             weightScratch: FloatBuffer, logitsScratch: FloatBuffer) throws(GGUFError) {
        let vocabulary = weight.outFeatures, width = weight.inFeatures
        switch request.layout {
        case .vocabularyBlocks(let blockWidth):
            let blockWidth = max(1, min(blockWidth, vocabulary))
            let rowsPerProduct = min(rows, Self.maximumRowsPerProduct)
            let scratch = weightScratch.reserve(blockWidth * width)
            let logits = logitsScratch.reserve(rowsPerProduct * blockWidth)
            for start in stride(from: 0, to: vocabulary, by: blockWidth) {
                let ids = start..<min(vocabulary, start + blockWidth)
                let matrix = try store.rows(weight, ids, scratch: scratch)
                for first in stride(from: 0, to: rows, by: rowsPerProduct) {
                    let slice = first..<min(rows, first + rowsPerProduct)
                    BLAS.parallelProductTransposed(m: slice.count, n: ids.count, k: width,
                                                   a: x + first * width, lda: width, b: matrix, ldb: width,
                                                   c: logits, ldc: ids.count, threads: threads)
                    request.consume(LogitsBlock(rows: slice, vocabulary: ids, values: logits))
                }
            }
        case .fullRows(let rowsPerSlice):
            let rowsPerSlice = max(1, min(rowsPerSlice, rows))
            let chunk = min(Self.vocabularyChunk, vocabulary)
            let scratch = weightScratch.reserve(chunk * width)
            let logits = logitsScratch.reserve(rowsPerSlice * vocabulary)
            for first in stride(from: 0, to: rows, by: rowsPerSlice) {
                let slice = first..<min(rows, first + rowsPerSlice)
                for start in stride(from: 0, to: vocabulary, by: chunk) {
                    let ids = start..<min(vocabulary, start + chunk)
                    let matrix = try store.rows(weight, ids, scratch: scratch)
                    BLAS.parallelProductTransposed(m: slice.count, n: ids.count, k: width,
                                                   a: x + first * width, lda: width, b: matrix, ldb: width,
                                                   c: logits + start, ldc: vocabulary, threads: threads)
                }
                request.consume(LogitsBlock(rows: slice, vocabulary: 0..<vocabulary, values: logits))
            }
        }
    }
}
