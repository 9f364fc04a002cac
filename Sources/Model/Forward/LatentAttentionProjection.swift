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
        /// Absorbed layout: the full queries, one head's rows in and out, the latent attention output.
        let fullQuery: FloatBuffer
        let headInput: FloatBuffer
        let headOutput: FloatBuffer
        let latentOutput: FloatBuffer
        let rowIndices: IndexBuffer
    }

    /// Fills `query`, `key` and `value` as the attention kernel reads them (``TransformerSpec/attentionKernelSpec``):
    /// per head [without position | rotary] queries and keys and per-head values, or in the
    /// absorbed layout the latent queries, the one shared key and the latent value.
    func run(_ normed: UnsafePointer<Float>, rows: Int, rotary: RotaryTable, project: Projection,
             operations: RowOperations, buffers: Buffers, threads: Int,
             query: UnsafeMutablePointer<Float>, key: UnsafeMutablePointer<Float>,
             value: UnsafeMutablePointer<Float>) throws(ModelError) {
        let rank = latent.keyValueRank, rope = latent.positionLength, nope = latent.noPositionLength
        let heads = spec.headCount, headWidth = spec.keyLength, valueWidth = spec.valueLength
        let latentWidth = rank + rope
        let keyValueA = buffers.keyValueLatent.reserve(rows * latentWidth)
        let queryA = latent.queryRank > 0 ? buffers.queryLatent.reserve(rows * latent.queryRank) : nil
        let absorbed = latent.absorbedValueLength != nil
        let queryHeadWidth = latent.queryHeadWidth
        let fullQuery = absorbed ? buffers.fullQuery.reserve(rows * heads * queryHeadWidth) : query
        try project.sharing(normed, rows: rows) { () throws(ModelError) in
            try project(weights.queryA, input: normed, rows: rows, into: queryA ?? fullQuery)
            try project(weights.keyValueA, input: normed, rows: rows, into: keyValueA)
        }
        if let queryA, let norm = weights.queryANorm, let queryB = weights.queryB {
            operations.rmsNorm(queryA, weight: norm, rows: rows, width: latent.queryRank, epsilon: spec.normEpsilon, into: queryA)
            try project(queryB, input: queryA, rows: rows, into: fullQuery)
        }
        // The latent part of each kv_a row, contiguous and normed, expanded into keys and values.
        let compressed = buffers.normedLatent.reserve(rows * rank)
        for row in 0..<rows { (compressed + row * rank).update(from: keyValueA + row * latentWidth, count: rank) }
        operations.rmsNorm(compressed, weight: weights.keyValueANorm, rows: rows, width: rank, epsilon: spec.normEpsilon,
                           into: compressed)
        rotary.apply(to: fullQuery + nope, rows: rows, heads: heads, headWidth: queryHeadWidth, threads: threads)
        rotary.apply(to: keyValueA + rank, rows: rows, heads: 1, headWidth: latentWidth, threads: threads)
        if absorbed {
            try absorb(fullQuery: fullQuery, compressed: compressed, keyValueA: keyValueA, rows: rows, project: project,
                       buffers: buffers, query: query, key: key, value: value)
            return
        }
        guard let keyValueB = weights.keyValueB else { preconditionFailure("bound from the same spec") }
        let expandedWidth = heads * (nope + valueWidth)
        let expanded = buffers.expanded.reserve(rows * expandedWidth)
        try project(keyValueB, input: compressed, rows: rows, into: expanded)
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

    /// The absorbed layout: query head h = [`attn_k_b`(h)·q_nope(h) | q_pe(h)], one key
    /// [latent | k_pe], the latent as the value.
    private func absorb(fullQuery: UnsafeMutablePointer<Float>, compressed: UnsafeMutablePointer<Float>,
                        keyValueA: UnsafeMutablePointer<Float>, rows: Int, project: Projection,
                        buffers: Buffers, query: UnsafeMutablePointer<Float>,
                        key: UnsafeMutablePointer<Float>, value: UnsafeMutablePointer<Float>) throws(ModelError) {
        guard let keyB = weights.keyB else { preconditionFailure("bound from the same spec") }
        let rank = latent.keyValueRank, rope = latent.positionLength, nope = latent.noPositionLength
        let heads = spec.headCount, queryHeadWidth = latent.queryHeadWidth, attentionWidth = rank + rope
        let input = buffers.headInput.reserve(rows * nope), output = buffers.headOutput.reserve(rows * rank)
        let indices = Self.identity(rows, buffers.rowIndices)
        for head in 0..<heads {
            for row in 0..<rows { (input + row * nope).update(from: fullQuery + row * heads * queryHeadWidth + head * queryHeadWidth, count: nope) }
            try project(keyB, input: input, rows: rows, into: output, expert: head,
                        routing: Self.slice(head, of: heads, rows: indices))
            for row in 0..<rows {
                let target = query + (row * heads + head) * attentionWidth
                target.update(from: output + row * rank, count: rank)
                (target + rank).update(from: fullQuery + row * heads * queryHeadWidth + head * queryHeadWidth + nope, count: rope)
            }
        }
        for row in 0..<rows {
            (key + row * attentionWidth).update(from: compressed + row * rank, count: rank)
            (key + row * attentionWidth + rank).update(from: keyValueA + row * (rank + rope) + rank, count: rope)
        }
        value.update(from: compressed, count: rows * rank)
    }

    /// The absorbed layout's last step: head h's latent output (rows × heads·rank) through
    /// `attn_v_b`(h) into its `absorbedValueLength` columns of `output`.
    func expandValues(_ latentOutput: UnsafePointer<Float>, rows: Int, project: Projection, buffers: Buffers,
                      into output: UnsafeMutablePointer<Float>) throws(ModelError) {
        guard let valueB = weights.valueB, let width = latent.absorbedValueLength else { return }
        let rank = latent.keyValueRank, heads = spec.headCount
        let input = buffers.headInput.reserve(rows * rank), result = buffers.headOutput.reserve(rows * width)
        let indices = Self.identity(rows, buffers.rowIndices)
        for head in 0..<heads {
            for row in 0..<rows { (input + row * rank).update(from: latentOutput + (row * heads + head) * rank, count: rank) }
            try project(valueB, input: input, rows: rows, into: result, expert: head,
                        routing: Self.slice(head, of: heads, rows: indices))
            for row in 0..<rows { (output + (row * heads + head) * width).update(from: result + row * width, count: width) }
        }
    }

    /// Row indices 0..<rows (every token multiplies every head's slice).
    private static func identity(_ rows: Int, _ buffer: IndexBuffer) -> UnsafeBufferPointer<Int32> {
        let indices = buffer.reserve(rows)
        for row in 0..<rows { indices[row] = Int32(row) }
        return UnsafeBufferPointer(start: UnsafePointer(indices), count: rows)
    }

    private static func slice(_ head: Int, of heads: Int, rows: UnsafeBufferPointer<Int32>) -> ExpertRows {
        ExpertRows(expert: head, expertCount: heads, tokenIndices: rows, selectedExperts: rows, usedCount: 1, countsOnce: true)
    }
}
