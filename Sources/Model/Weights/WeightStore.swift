import GGUF
import Kernels

/// Hands out float32 views of weight matrices for the products of the forward pass.
///
/// At load, ``cache(_:budgetBytes:)`` dequantizes whole tensors into memory, in the order
/// given (block weights first, the large output matrix last), while they fit the budget; their
/// pages in the mapping are then released so the quantized copy does not stay resident too.
/// Every other quantized matrix is dequantized into one reusable scratch buffer just before its
/// product — the forward pass runs its products one after another, so one buffer serves all.
final class WeightStore {
    let file: GGUFFile
    let threads: Int
    /// Whether quantized weights of supported types meet their inputs as 8-bit blocks in
    /// integer products (``ModelOptions/quantizedProducts`` with ggml's rounding).
    let quantizedProducts: Bool
    /// Bytes of float32 weights held in the cache.
    private(set) var cachedBytes = 0
    private var scratch = FloatBuffer()

    init(file: GGUFFile, threads: Int, quantizedProducts: Bool) {
        self.file = file
        self.threads = threads
        self.quantizedProducts = quantizedProducts
    }

    /// Whether `weight`'s products run on its quantized blocks (``QuantizedProduct``): its
    /// type has a kernel, its rows are whole blocks, and no float32 replacement is set.
    func usesQuantizedProduct(_ weight: LinearWeight) -> Bool {
        quantizedProducts && weight.replacement == nil && weight.quantizedProductType
    }

    /// Expert `expert`'s rows of `weight` in the file's blocks.
    func quantizedRows(_ weight: LinearWeight, expert: Int) -> UnsafeRawPointer {
        let rowBytes = weight.tensor.type.rowByteCount(elements: weight.inFeatures)
        return file.data(of: weight.tensor).baseAddress! + expert * weight.outFeatures * rowBytes
    }

    /// Caches each weight of `weights` (in order) that is not F32, and does not run on its
    /// quantized blocks, while the budget allows.
    func cache(_ weights: [LinearWeight], budgetBytes: Int) throws(GGUFError) {
        for weight in weights where !weight.isResident && !usesQuantizedProduct(weight) {
            guard cachedBytes + weight.floatByteCount <= budgetBytes else { continue }
            let count = weight.matrixElementCount * weight.experts
            let values = UnsafeMutablePointer<Float>.allocate(capacity: count)
            do {
                try file.dequantizeRows(weight.tensor, rows: 0..<weight.tensor.rowCount,
                                        into: UnsafeMutableBufferPointer(start: values, count: count), threads: threads)
            } catch {
                values.deallocate()
                throw error
            }
            weight.cached = values
            cachedBytes += weight.floatByteCount
            file.releasePages(of: weight.tensor)
        }
    }

    /// Expert `expert`'s matrix of `weight` as `outFeatures × inFeatures` float32, valid until
    /// the next call (it may live in the shared scratch buffer).
    func matrix(_ weight: LinearWeight, expert: Int = 0) throws(GGUFError) -> UnsafePointer<Float> {
        let rows = (expert * weight.outFeatures)..<((expert + 1) * weight.outFeatures)
        return try self.rows(weight, rows, scratch: weight.isResident ? scratch.pointer : scratch.reserve(weight.matrixElementCount))
    }

    /// Rows `rows` of `weight` (expert 0, or the flattened stack) as float32 in `destination`,
    /// or a pointer into the replacement, the cache or the mapping when the tensor is resident. `threads`
    /// overrides the store's thread count (1 inside a caller's own parallel loop).
    func rows(_ weight: LinearWeight, _ rows: Range<Int>, scratch destination: UnsafeMutablePointer<Float>,
              threads: Int? = nil) throws(GGUFError) -> UnsafePointer<Float> {
        let offset = rows.lowerBound * weight.inFeatures
        if let replacement = weight.replacement { return UnsafePointer(replacement + offset) }
        if let cached = weight.cached { return UnsafePointer(cached + offset) }
        if let direct = weight.direct { return direct + offset }
        try file.dequantizeRows(weight.tensor, rows: rows,
                                into: UnsafeMutableBufferPointer(start: destination, count: rows.count * weight.inFeatures),
                                threads: threads ?? self.threads)
        return UnsafePointer(destination)
    }
}
