import GGUF
import Kernels

/// The output projection `logits = x · Wᵀ` over the vocabulary, delivered in blocks (see
/// ``LogitsRequest``) so the whole `rows × vocabulary` matrix never exists at once. A weight
/// that runs on its quantized blocks (``WeightStore/usesQuantizedProduct(_:)``) is read from
/// the file block by block with the input rounded once; otherwise each block of vocabulary rows
/// is dequantized into a scratch buffer for sgemm.
struct OutputProjection {
    let weight: LinearWeight
    let store: WeightStore
    let threads: Int
    let quantizedInputs: QuantizedInputs
    /// Vocabulary rows dequantized at a time for ``LogitsLayout/fullRows(rowsPerSlice:)``.
    static let vocabularyChunk = 8192
    /// Rows multiplied at a time in ``LogitsLayout/vocabularyBlocks(width:)``.
    static let maximumRowsPerProduct = 1024

    func run(_ x: UnsafePointer<Float>, rows: Int, request: LogitsRequest,
             weightScratch: FloatBuffer, logitsScratch: FloatBuffer) throws(ModelError) {
        let vocabulary = weight.outFeatures, width = weight.inFeatures
        if store.usesQuantizedProduct(weight) {
            runQuantized(x, rows: rows, request: request, logitsScratch: logitsScratch)
            store.releaseAfterUse(weight)
            return
        }
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

    /// The same blocks and slices, from the quantized rows of the file.
    private func runQuantized(_ x: UnsafePointer<Float>, rows: Int, request: LogitsRequest, logitsScratch: FloatBuffer) {
        let vocabulary = weight.outFeatures, width = weight.inFeatures
        let typeID = Int(weight.tensor.type.id)
        let rowBytes = weight.tensor.type.rowByteCount(elements: width)
        let activationBytes = QuantizedProduct.activationRowBytes(typeID: typeID, columns: width)
        let prepared = quantizedInputs.activations(typeID: typeID, input: x, rows: rows, columns: width, threads: threads)
        let scratch = quantizedInputs.workerScratch(threads: threads, bytes: QuantizedProduct.scratchBytes(typeID: typeID, columns: width))
        let weights = store.quantizedRows(weight, expert: 0)
        func multiply(_ ids: Range<Int>, _ slice: Range<Int>, into logits: UnsafeMutablePointer<Float>, ldc: Int) {
            QuantizedProduct.multiply(typeID: typeID, weights: weights + ids.lowerBound * rowBytes, outFeatures: ids.count,
                                      columns: width, prepared: prepared + slice.lowerBound * activationBytes, rows: slice.count,
                                      output: logits, ldc: ldc, threads: threads, scratch: { scratch[$0] })
        }
        switch request.layout {
        case .vocabularyBlocks(let blockWidth):
            let blockWidth = max(1, min(blockWidth, vocabulary))
            let rowsPerProduct = min(rows, Self.maximumRowsPerProduct)
            let logits = logitsScratch.reserve(rowsPerProduct * blockWidth)
            for start in stride(from: 0, to: vocabulary, by: blockWidth) {
                let ids = start..<min(vocabulary, start + blockWidth)
                for first in stride(from: 0, to: rows, by: rowsPerProduct) {
                    let slice = first..<min(rows, first + rowsPerProduct)
                    multiply(ids, slice, into: logits, ldc: ids.count)
                    request.consume(LogitsBlock(rows: slice, vocabulary: ids, values: logits))
                }
            }
        case .fullRows(let rowsPerSlice):
            let rowsPerSlice = max(1, min(rowsPerSlice, rows))
            let logits = logitsScratch.reserve(rowsPerSlice * vocabulary)
            for first in stride(from: 0, to: rows, by: rowsPerSlice) {
                let slice = first..<min(rows, first + rowsPerSlice)
                multiply(0..<vocabulary, slice, into: logits, ldc: vocabulary)
                request.consume(LogitsBlock(rows: slice, vocabulary: 0..<vocabulary, values: logits))
            }
        }
    }
}
