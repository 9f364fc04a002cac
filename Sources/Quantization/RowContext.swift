import GGUF

/// How one row is quantized: ggml's reference path (no weights), or the weighted search with a
/// weighting and optional importance for the row's columns.
enum RowMode {
    case reference
    case weighted(any ElementWeighting, importance: UnsafePointer<Float>?)
}

/// Per-thread scratch memory for the row quantizers (allocated once per worker range).
final class RowScratch {
    let weights = UnsafeMutablePointer<Float>.allocate(capacity: 256)
    let levels = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
    let signedLevels = UnsafeMutablePointer<Int8>.allocate(capacity: 256)
    let auxiliary = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)
    let scales = UnsafeMutablePointer<Float>.allocate(capacity: 16)
    let mins = UnsafeMutablePointer<Float>.allocate(capacity: 16)
    let scaleWeights = UnsafeMutablePointer<Float>.allocate(capacity: 16)
    let scaleLevels = UnsafeMutablePointer<UInt8>.allocate(capacity: 16)
    let minLevels = UnsafeMutablePointer<UInt8>.allocate(capacity: 16)
    let signedScaleLevels = UnsafeMutablePointer<Int8>.allocate(capacity: 16)

    deinit {
        weights.deallocate()
        levels.deallocate()
        signedLevels.deallocate()
        auxiliary.deallocate()
        scales.deallocate()
        mins.deallocate()
        scaleWeights.deallocate()
        scaleLevels.deallocate()
        minLevels.deallocate()
        signedScaleLevels.deallocate()
    }
}

/// The row being quantized: its values, length, mode and scratch, plus the weight helper every
/// weighted path calls.
struct RowContext {
    let x: UnsafePointer<Float>
    let count: Int
    let mode: RowMode
    let scratch: RowScratch

    /// Σ x² over `x[start..<start+length]`, accumulated left to right as ggml does.
    @inline(__always)
    func sumOfSquares(from start: Int, length: Int) -> Float {
        var sum: Float = 0
        for i in start..<(start &+ length) { sum += x[i] * x[i] }
        return sum
    }

    /// Fills the weights of sub-block `index` (of `length` elements, in the super-block at
    /// `start`) and stores their left-to-right sum as its scale weight (ggml's `sw[j]`).
    @inline(__always)
    func fillSubBlockWeights(
        _ weighting: any ElementWeighting, importance: UnsafePointer<Float>?, superBlock start: Int, index: Int,
        length: Int, type: GGMLType, sigma2: Float
    ) {
        fillWeights(weighting, importance: importance, from: start &+ length &* index, length: length, type: type, sigma2: sigma2)
        var sum: Float = 0
        for l in 0..<length { sum += scratch.weights[l] }
        scratch.scaleWeights[index] = sum
    }

    /// Runs `body(start, x, y)` for each block of `size` elements: its first column, its values
    /// and its `bytes`-byte output block.
    @inline(__always)
    func forEachBlock(
        size: Int = 256, bytes: Int, into out: UnsafeMutablePointer<UInt8>,
        _ body: (_ start: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<UInt8>) -> Void
    ) {
        for block in 0..<(count / size) {
            let start = block &* size
            body(start, x + start, out + block &* bytes)
        }
    }

    /// σ² over the whole row (`Σx²/n`), as the legacy types use it with importance; 0 otherwise.
    var wholeRowSigma2: Float {
        if case .weighted = mode { return sumOfSquares(from: 0, length: count) / Float(count) }
        return 0
    }

    /// Fills `scratch.weights[0..<length]` for the elements starting at column `start`.
    @inline(__always)
    func fillWeights(
        _ weighting: any ElementWeighting, importance: UnsafePointer<Float>?, from start: Int, length: Int,
        type: GGMLType, sigma2: Float
    ) {
        weighting.fill(scratch.weights, x: x + start, importance: importance.map { $0 + start },
                       count: length, span: WeightSpan(type: type, sigma2: sigma2))
    }
}
