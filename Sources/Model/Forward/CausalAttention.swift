import Kernels

/// Scaled dot-product attention, causal within each sequence, with grouped-query heads and an
/// optional sliding window.
///
/// For each sequence and query head: `S = scale · Q·Kᵀ` (sgemm), row `i` keeps keys
/// `j ∈ [i − window + 1, i]` (all `j ≤ i` without a window) and is softmaxed over them, the
/// rest become 0; then `O = S·V` (sgemm) is written into the head's columns of the output.
/// Query head `h` reads key/value head `h / (heads / kvHeads)`.
struct CausalAttention {
    let spec: TransformerSpec
    let threads: Int

    func run(query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
             sequences: Int, length: Int, window: Int?, scores: UnsafeMutablePointer<Float>,
             output: UnsafeMutablePointer<Float>) {
        let headWidth = spec.keyLength
        let valueWidth = spec.valueLength
        let groupSize = spec.headCount / spec.headCountKV
        let queryStride = spec.queryWidth, keyStride = spec.keyWidth
        let valueStride = spec.valueWidth, outputStride = spec.attentionOutputWidth
        for sequence in 0..<sequences {
            let firstRow = sequence * length
            for head in 0..<spec.headCount {
                let kvHead = head / groupSize
                let q = query + firstRow * queryStride + head * headWidth
                let k = key + firstRow * keyStride + kvHead * headWidth
                let v = value + firstRow * valueStride + kvHead * valueWidth
                BLAS.sgemm(.none, .transpose, m: length, n: length, k: headWidth, alpha: spec.attentionScale,
                           a: q, lda: queryStride, b: k, ldb: keyStride, c: scores, ldc: length)
                maskAndSoftmax(scores, length: length, window: window)
                BLAS.sgemm(.none, .none, m: length, n: valueWidth, k: length,
                           a: scores, lda: length, b: v, ldb: valueStride,
                           c: output + firstRow * outputStride + head * valueWidth, ldc: outputStride)
            }
        }
    }

    private func maskAndSoftmax(_ scores: UnsafeMutablePointer<Float>, length: Int, window: Int?) {
        Parallel.forEachRange(count: length, threads: threads, grain: 32) { range in
            for row in range {
                let line = scores + row * length
                let first = window.map { max(0, row - $0 + 1) } ?? 0
                if first > 0 { line.update(repeating: 0, count: first) }
                VectorMath.softmax(line + first, count: row - first + 1)
                if row + 1 < length { (line + row + 1).update(repeating: 0, count: length - row - 1) }
            }
        }
    }
}
