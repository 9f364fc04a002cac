import Kernels

/// Scaled dot-product attention, causal within each sequence, with grouped-query heads and an
/// optional sliding window and optional attention sinks (one extra logit per query head in
/// every softmax, without a value: gpt-oss).
///
/// For each sequence, query head and block of ``queryBlock`` query rows `[r0, r1)`, only the
/// keys the block can see are multiplied: `[k0, r1)` with `k0 = 0`, or `r0 − window + 1` for a
/// sliding window. `S = scale · Q·Kᵀ` (sgemm); row `i` keeps keys `j ∈ [i − window + 1, i]`
/// (all `j ≤ i` without a window), is softmaxed over them and the rest become 0; then
/// `O = S·V` (sgemm) is written into the head's columns of the output. Query head `h` reads
/// key/value head `h / (heads / kvHeads)`. The (sequence, head) pairs are split over the
/// threads, each running single-threaded sgemm (OpenBLAS is set to one thread by the model).
struct CausalAttention {
    let spec: TransformerSpec
    let threads: Int
    /// Query rows per block: small enough to skip most of the masked upper triangle, large
    /// enough to keep sgemm efficient.
    static let queryBlock = 128

    /// - Parameter scores: `threads × queryBlock × length` floats of scratch.
    func run(query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
             sequences: Int, length: Int, window: Int?, sinks: [Float]? = nil, scores: UnsafeMutablePointer<Float>,
             output: UnsafeMutablePointer<Float>) {
        let headWidth = spec.keyLength
        let valueWidth = spec.valueLength
        let groupSize = spec.headCount / spec.headCountKV
        let queryStride = spec.queryWidth, keyStride = spec.keyWidth
        let valueStride = spec.valueWidth, outputStride = spec.attentionOutputWidth
        let heads = spec.headCount, scale = spec.attentionScale
        // One task per (sequence, head); each worker has its own scores and runs single-threaded sgemm.
        Parallel.forEachRangeWithWorker(count: sequences * heads, threads: threads) { worker, tasks in
            let workerScores = scores + worker * Self.queryBlock * length
            for task in tasks {
                let (sequence, head) = task.quotientAndRemainder(dividingBy: heads)
                let firstRow = sequence * length
                let kvHead = head / groupSize
                let q = query + firstRow * queryStride + head * headWidth
                let k = key + firstRow * keyStride + kvHead * headWidth
                let v = value + firstRow * valueStride + kvHead * valueWidth
                let o = output + firstRow * outputStride + head * valueWidth
                let sink = sinks?[head]
                for blockStart in stride(from: 0, to: length, by: Self.queryBlock) {
                    let blockEnd = min(length, blockStart + Self.queryBlock)
                    let firstKey = window.map { max(0, blockStart - $0 + 1) } ?? 0
                    let keys = blockEnd - firstKey
                    BLAS.sgemm(.none, .transpose, m: blockEnd - blockStart, n: keys, k: headWidth, alpha: scale,
                               a: q + blockStart * queryStride, lda: queryStride,
                               b: k + firstKey * keyStride, ldb: keyStride, c: workerScores, ldc: keys)
                    Self.maskAndSoftmax(workerScores, rows: blockStart..<blockEnd, firstKey: firstKey, window: window, sink: sink)
                    BLAS.sgemm(.none, .none, m: blockEnd - blockStart, n: valueWidth, k: keys,
                               a: workerScores, lda: keys, b: v + firstKey * valueStride, ldb: valueStride,
                               c: o + blockStart * outputStride, ldc: outputStride)
                }
            }
        }
    }

    /// Softmax of each score row over the keys its query may see; the others become 0. Row
    /// `i` of the block holds keys `firstKey ..< rows.upperBound`. A sink joins every row's softmax.
    private static func maskAndSoftmax(_ scores: UnsafeMutablePointer<Float>, rows: Range<Int>, firstKey: Int, window: Int?,
                                       sink: Float?) {
        let keys = rows.upperBound - firstKey
        for offset in 0..<rows.count {
            let position = rows.lowerBound + offset
            let line = scores + offset * keys
            let visibleFrom = (window.map { max(0, position - $0 + 1) } ?? 0) - firstKey
            let visibleTo = position - firstKey // inclusive
            if visibleFrom > 0 { line.update(repeating: 0, count: visibleFrom) }
            if let sink {
                VectorMath.softmax(line + visibleFrom, count: visibleTo - visibleFrom + 1, sink: sink)
            } else {
                VectorMath.softmax(line + visibleFrom, count: visibleTo - visibleFrom + 1)
            }
            if visibleTo + 1 < keys { (line + visibleTo + 1).update(repeating: 0, count: keys - visibleTo - 1) }
        }
    }
}
