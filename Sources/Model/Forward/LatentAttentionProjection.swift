import GGUF
import Kernels

/// Makes the queries, keys and values of DeepSeek's latent attention (``LatentAttentionSpec``)
/// as llama.cpp's `deepseek2` graph does with `attn_kv_b`: q from `attn_q` (or `attn_q_a` → RMS
/// norm → `attn_q_b`); `attn_kv_a_mqa` → the latent (RMS-normed, expanded by `attn_kv_b` into
/// every head's key part without position and its value) and one rotary part shared by all
/// heads; RoPE on the trailing ``LatentAttentionSpec/positionLength`` dimensions of each query
/// head and on the shared part, which is then copied into every head's key.
struct LatentAttentionProjection {
    let weights: LatentAttentionWeights
    let spec: TransformerSpec
    let latent: LatentAttentionSpec

    /// Scratch the projection needs, owned by the workspace.
    struct Buffers {
        let queryLatent: FloatBuffer
        let keyValueLatent: FloatBuffer
        let normedLatent: FloatBuffer
        let expanded: FloatBuffer
    }

    /// Fills `query` (rows × heads·keyLength), `key` (the same) and `value` (rows × heads·valueLength).
    func run(_ normed: UnsafePointer<Float>, rows: Int, rotary: RotaryTable, project: Projection,
             operations: RowOperations, buffers: Buffers, threads: Int,
             query: UnsafeMutablePointer<Float>, key: UnsafeMutablePointer<Float>,
             value: UnsafeMutablePointer<Float>) throws(GGUFError) {
        let rank = latent.keyValueRank, rope = latent.positionLength, nope = latent.noPositionLength
        let heads = spec.headCount, headWidth = spec.keyLength, valueWidth = spec.valueLength
        let latentWidth = rank + rope
        let keyValueA = buffers.keyValueLatent.reserve(rows * latentWidth)
        let queryA = latent.queryRank > 0 ? buffers.queryLatent.reserve(rows * latent.queryRank) : nil
        try project.sharing(normed, rows: rows) { () throws(GGUFError) in
            try project(weights.queryA, input: normed, rows: rows, into: queryA ?? query)
            try project(weights.keyValueA, input: normed, rows: rows, into: keyValueA)
        }
        if let queryA, let norm = weights.queryANorm, let queryB = weights.queryB {
            operations.rmsNorm(queryA, weight: norm, rows: rows, width: latent.queryRank, epsilon: spec.normEpsilon, into: queryA)
            try project(queryB, input: queryA, rows: rows, into: query)
        }
        // The latent part of each kv_a row, contiguous and normed, expanded into keys and values.
        let compressed = buffers.normedLatent.reserve(rows * rank)
        for row in 0..<rows { (compressed + row * rank).update(from: keyValueA + row * latentWidth, count: rank) }
        operations.rmsNorm(compressed, weight: weights.keyValueANorm, rows: rows, width: rank, epsilon: spec.normEpsilon,
                           into: compressed)
        let expandedWidth = heads * (nope + valueWidth)
        let expanded = buffers.expanded.reserve(rows * expandedWidth)
        try project(weights.keyValueB, input: compressed, rows: rows, into: expanded)

        rotary.apply(to: query + nope, rows: rows, heads: heads, headWidth: headWidth, threads: threads)
        rotary.apply(to: keyValueA + rank, rows: rows, heads: 1, headWidth: latentWidth, threads: threads)
        Parallel.forEachRange(count: rows, threads: threads, grain: 16) { range in
            for row in range {
                let source = expanded + row * expandedWidth, position = keyValueA + row * latentWidth + rank
                for head in 0..<heads {
                    let k = key + (row * heads + head) * headWidth
                    k.update(from: source + head * (nope + valueWidth), count: nope)
                    (k + nope).update(from: position, count: rope)
                    (value + (row * heads + head) * valueWidth).update(from: source + head * (nope + valueWidth) + nope,
                                                                       count: valueWidth)
                }
            }
        }
    }
}
