import GGUF
import Kernels

/// Hands out float32 views of weight matrices for the products of the forward pass.
///
/// At load, ``cache(_:budgetBytes:)`` walks the weights in the order given (block weights
/// first, the large output matrix last) and, while they fit the budget, keeps each in memory:
/// the weights of the integer products as their mapped blocks, the others dequantized into a
/// float32 cache (their pages in the mapping then released, so the quantized copy does not stay
/// resident too). Every other float-path matrix is dequantized into one reusable scratch buffer
/// just before its product — the forward pass runs its products one after another, so one
/// buffer serves all — and every weight beyond the budget leaves the resident set after each
/// use (``releaseAfterUse(_:expert:)``): the next use reads it again from the page cache, and a
/// model many times the budget runs in the budget plus the working set.
final class WeightStore {
    let file: GGUFFile
    let threads: Int
    /// Whether quantized weights of supported types meet their inputs as 8-bit blocks in
    /// integer products (``ModelOptions/quantizedProducts`` with ggml's rounding).
    let quantizedProducts: Bool
    /// Bytes of float32 weights held in the cache.
    private(set) var cachedBytes = 0
    /// Bytes of quantized weights kept mapped between uses (within the budget, after the cache).
    private(set) var mappedBytes = 0
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

    /// Keeps each weight of `weights` (in order) that is not F32 in memory while the budget
    /// allows — mapped when it runs on its quantized blocks, else dequantized into the cache —
    /// and marks the others to release their pages after each use.
    func cache(_ weights: [LinearWeight], budgetBytes: Int) throws(GGUFError) {
        for weight in weights where !weight.isResident {
            if usesQuantizedProduct(weight) {
                keepMapped(weight, budgetBytes: budgetBytes)
                continue
            }
            guard cachedBytes + mappedBytes + weight.floatByteCount <= budgetBytes else {
                weight.releasesPagesAfterUse = true
                continue
            }
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

    /// Keeps `weight` (read in its blocks: a weight of the integer products, or the token
    /// embedding, which is looked up by rows) mapped between uses if it fits what is left of the
    /// budget, else marks it to release its pages after each use.
    func keepMapped(_ weight: LinearWeight, budgetBytes: Int) {
        guard !weight.isResident else { return }
        if cachedBytes + mappedBytes + weight.tensor.byteCount <= budgetBytes {
            mappedBytes += weight.tensor.byteCount
        } else {
            weight.releasesPagesAfterUse = true
        }
    }

    /// Releases the mapped pages of expert `expert`'s matrix of `weight` (the whole tensor when it
    /// holds one matrix) if it is read from the file at each use; a no-op for weights kept in memory.
    func releaseAfterUse(_ weight: LinearWeight, expert: Int = 0) {
        releaseAfterUse(weight, rows: (expert * weight.outFeatures)..<((expert + 1) * weight.outFeatures))
    }

    /// Releases the mapped pages of rows `rows` (of the flattened stack) of `weight` if it is read
    /// from the file at each use.
    private func releaseAfterUse(_ weight: LinearWeight, rows: Range<Int>) {
        guard weight.releasesPagesAfterUse else { return }
        let rowBytes = weight.tensor.type.rowByteCount(elements: weight.inFeatures)
        file.releasePages(of: weight.tensor, bytes: (rows.lowerBound * rowBytes)..<(rows.upperBound * rowBytes))
    }

    /// Expert `expert`'s matrix of `weight` as `outFeatures × inFeatures` float32, valid until
    /// the next call (it may live in the shared scratch buffer).
    func matrix(_ weight: LinearWeight, expert: Int = 0) throws(ModelError) -> UnsafePointer<Float> {
        let rows = (expert * weight.outFeatures)..<((expert + 1) * weight.outFeatures)
        return try self.rows(weight, rows, scratch: weight.isResident ? scratch.pointer : scratch.reserve(weight.matrixElementCount))
    }

    /// Rows `rows` of `weight` (expert 0, or the flattened stack) as float32 in `destination`,
    /// or a pointer into the replacement, the cache or the mapping when the tensor is resident. `threads`
    /// overrides the store's thread count (1 inside a caller's own parallel loop).
    func rows(_ weight: LinearWeight, _ rows: Range<Int>, scratch destination: UnsafeMutablePointer<Float>,
              threads: Int? = nil) throws(ModelError) -> UnsafePointer<Float> {
        let offset = rows.lowerBound * weight.inFeatures
        if let replacement = weight.replacement { return UnsafePointer(replacement + offset) }
        if let cached = weight.cached { return UnsafePointer(cached + offset) }
        if let direct = weight.direct { return direct + offset }
        do {
            try file.dequantizeRows(weight.tensor, rows: rows,
                                    into: UnsafeMutableBufferPointer(start: destination, count: rows.count * weight.inFeatures),
                                    threads: threads ?? self.threads)
        } catch {
            throw ModelError(reading: error)
        }
        releaseAfterUse(weight, rows: rows)
        return UnsafePointer(destination)
    }
}
