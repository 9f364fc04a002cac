import GGUF

/// The tensors of one transformer block, bound by llama.cpp's names (`blk.N.…`) and checked
/// against the spec's shapes.
struct BlockWeights {
    let attentionNorm: [Float]
    /// How q, k and v are made: `attn_q/k/v`, or DeepSeek's latent attention.
    let projections: AttentionProjections
    let attentionOutput: LinearWeight
    let queryBias: [Float]?
    let keyBias: [Float]?
    let valueBias: [Float]?
    /// `attn_output.bias` (gpt-oss).
    let attentionOutputBias: [Float]?
    /// `attn_sinks.weight`: one logit per query head (gpt-oss).
    let attentionSinks: [Float]?
    let queryNorm: [Float]?
    let keyNorm: [Float]?
    let postAttentionNorm: [Float]?
    let feedForwardNorm: [Float]
    let feedForward: FeedForwardWeights
    let postFeedForwardNorm: [Float]?

    init(layer: Int, spec: TransformerSpec, binder: WeightBinder) throws(GGUFError) {
        let prefix = "blk.\(layer)."
        let embedding = spec.embeddingLength
        attentionNorm = try binder.vector(prefix + "attn_norm.weight", length: embedding)
        projections = try AttentionProjections(prefix: prefix, spec: spec, binder: binder)
        attentionOutput = try binder.matrix(prefix + "attn_output.weight",
                                            inFeatures: spec.attentionOutputWidth, outFeatures: embedding)
        let biases = spec.attentionBiases
        queryBias = try binder.vector(prefix + "attn_q.bias", length: spec.queryWidth, presence: biases)
        keyBias = try binder.vector(prefix + "attn_k.bias", length: spec.keyWidth, presence: biases)
        valueBias = try binder.vector(prefix + "attn_v.bias", length: spec.valueWidth, presence: biases)
        attentionOutputBias = try binder.vector(prefix + "attn_output.bias", length: embedding, presence: spec.attentionOutputBias)
        attentionSinks = spec.attentionSinks ? try binder.vector(prefix + "attn_sinks.weight", length: spec.headCount) : nil
        queryNorm = try binder.vector(prefix + "attn_q_norm.weight", length: spec.keyLength, presence: spec.queryKeyNorms)
        keyNorm = try binder.vector(prefix + "attn_k_norm.weight", length: spec.keyLength, presence: spec.queryKeyNorms)
        postAttentionNorm = spec.postNorms
            ? try binder.vector(prefix + "post_attention_norm.weight", length: embedding) : nil
        feedForwardNorm = try binder.vector(prefix + spec.feedForwardNormName + ".weight", length: embedding)
        feedForward = try FeedForwardWeights(prefix: prefix, spec: spec, layer: spec.layers[layer].feedForward, binder: binder)
        postFeedForwardNorm = spec.postNorms
            ? try binder.vector(prefix + "post_ffw_norm.weight", length: embedding) : nil
    }

    /// The matrices in the order the forward pass uses them.
    var matrices: [LinearWeight] {
        projections.matrices + [attentionOutput] + feedForward.matrices
    }
}

/// The matrices that make a block's queries, keys and values.
enum AttentionProjections {
    /// `attn_q`, `attn_k`, `attn_v`.
    case standard(query: LinearWeight, key: LinearWeight, value: LinearWeight)
    /// DeepSeek's latent attention (see ``LatentAttentionSpec``).
    case latent(LatentAttentionWeights)

    init(prefix: String, spec: TransformerSpec, binder: WeightBinder) throws(GGUFError) {
        let embedding = spec.embeddingLength
        if let latent = spec.latentAttention {
            self = .latent(try LatentAttentionWeights(prefix: prefix, spec: spec, latent: latent, binder: binder))
        } else {
            self = .standard(
                query: try binder.matrix(prefix + "attn_q.weight", inFeatures: embedding, outFeatures: spec.queryWidth),
                key: try binder.matrix(prefix + "attn_k.weight", inFeatures: embedding, outFeatures: spec.keyWidth),
                value: try binder.matrix(prefix + "attn_v.weight", inFeatures: embedding, outFeatures: spec.valueWidth))
        }
    }

    var matrices: [LinearWeight] {
        switch self {
        case .standard(let query, let key, let value): [query, key, value]
        case .latent(let weights): weights.matrices
        }
    }
}

/// The tensors of DeepSeek's latent attention: `attn_q` or `attn_q_a` (+ `attn_q_a_norm`) and
/// `attn_q_b`; `attn_kv_a_mqa`, `attn_kv_a_norm`, `attn_kv_b`.
struct LatentAttentionWeights {
    /// `attn_q` (rank 0) or `attn_q_a`.
    let queryA: LinearWeight
    let queryANorm: [Float]?
    let queryB: LinearWeight?
    let keyValueA: LinearWeight
    let keyValueANorm: [Float]
    /// `attn_kv_b` (decompressed layout), or the absorbed layout's per-head `attn_k_b` / `attn_v_b`.
    let keyValueB: LinearWeight?
    let keyB: LinearWeight?
    let valueB: LinearWeight?

    init(prefix: String, spec: TransformerSpec, latent: LatentAttentionSpec, binder: WeightBinder) throws(GGUFError) {
        let embedding = spec.embeddingLength, queryWidth = spec.headCount * latent.queryHeadWidth
        if latent.queryRank > 0 {
            queryA = try binder.matrix(prefix + "attn_q_a.weight", inFeatures: embedding, outFeatures: latent.queryRank)
            queryANorm = try binder.vector(prefix + "attn_q_a_norm.weight", length: latent.queryRank)
            queryB = try binder.matrix(prefix + "attn_q_b.weight", inFeatures: latent.queryRank, outFeatures: queryWidth)
        } else {
            queryA = try binder.matrix(prefix + "attn_q.weight", inFeatures: embedding, outFeatures: queryWidth)
            (queryANorm, queryB) = (nil, nil)
        }
        keyValueA = try binder.matrix(prefix + "attn_kv_a_mqa.weight", inFeatures: embedding,
                                      outFeatures: latent.keyValueRank + latent.positionLength)
        keyValueANorm = try binder.vector(prefix + "attn_kv_a_norm.weight", length: latent.keyValueRank)
        if let valueLength = latent.absorbedValueLength {
            keyValueB = nil
            keyB = try binder.experts(prefix + "attn_k_b.weight", inFeatures: latent.noPositionLength,
                                      outFeatures: latent.keyValueRank, count: spec.headCount)
            valueB = try binder.experts(prefix + "attn_v_b.weight", inFeatures: latent.keyValueRank,
                                        outFeatures: valueLength, count: spec.headCount)
        } else {
            keyValueB = try binder.matrix(prefix + "attn_kv_b.weight", inFeatures: latent.keyValueRank,
                                          outFeatures: spec.headCount * (latent.noPositionLength + spec.valueLength))
            (keyB, valueB) = (nil, nil)
        }
    }

    var matrices: [LinearWeight] { ([queryA, queryB, keyValueA, keyValueB, keyB, valueB] as [LinearWeight?]).compactMap { $0 } }
}

/// The feed-forward tensors of a block: gated dense, or a router with expert stacks (and,
/// when the spec has them, the selection bias and the shared experts).
enum FeedForwardWeights {
    case dense(DenseWeights)
    case experts(ExpertWeights)

    /// `ffn_gate`, `ffn_up`, `ffn_down` (or their `_shexp` shared-expert forms).
    struct DenseWeights {
        let gate: LinearWeight
        let up: LinearWeight
        let down: LinearWeight

        init(prefix: String, suffix: String, embedding: Int, length: Int, binder: WeightBinder) throws(GGUFError) {
            gate = try binder.matrix(prefix + "ffn_gate\(suffix).weight", inFeatures: embedding, outFeatures: length)
            up = try binder.matrix(prefix + "ffn_up\(suffix).weight", inFeatures: embedding, outFeatures: length)
            down = try binder.matrix(prefix + "ffn_down\(suffix).weight", inFeatures: length, outFeatures: embedding)
        }

        var matrices: [LinearWeight] { [gate, up, down] }
    }

    /// The router, the expert stacks, and the optional selection bias and shared experts.
    struct ExpertWeights {
        let router: LinearWeight
        let gate: LinearWeight
        let up: LinearWeight
        let down: LinearWeight
        /// `exp_probs_b.bias`: added to the probabilities to choose experts, not to weigh them.
        let selectionBias: [Float]?
        let shared: DenseWeights?
        /// `ffn_gate_inp.bias`, added to the router logits.
        let routerBias: [Float]?
        /// `ffn_{gate,up,down}_exps.bias`: row e is expert e's bias (gate/up: expert width; down: n_embd).
        let gateBias: [Float]?
        let upBias: [Float]?
        let downBias: [Float]?

        /// The router, the stacks in the order the forward pass runs them, then the shared experts.
        var matrices: [LinearWeight] { [router, gate, up, down] + (shared?.matrices ?? []) }
    }

    init(prefix: String, spec: TransformerSpec, layer feedForward: FeedForwardSpec, binder: WeightBinder) throws(GGUFError) {
        let embedding = spec.embeddingLength
        switch feedForward {
        case .dense(let length, _):
            self = .dense(try DenseWeights(prefix: prefix, suffix: "", embedding: embedding, length: length, binder: binder))
        case .experts(let block):
            let count = block.count, length = block.length
            self = .experts(ExpertWeights(
                router: try binder.matrix(prefix + "ffn_gate_inp.weight", inFeatures: embedding, outFeatures: count),
                gate: try binder.experts(prefix + "ffn_gate_exps.weight", inFeatures: embedding, outFeatures: length, count: count),
                up: try binder.experts(prefix + "ffn_up_exps.weight", inFeatures: embedding, outFeatures: length, count: count),
                down: try binder.experts(prefix + "ffn_down_exps.weight", inFeatures: length, outFeatures: embedding, count: count),
                selectionBias: try binder.vector(prefix + "exp_probs_b.bias", length: count, presence: block.selectionBias),
                shared: block.sharedLength > 0
                    ? try DenseWeights(prefix: prefix, suffix: "_shexp", embedding: embedding, length: block.sharedLength, binder: binder)
                    : nil,
                routerBias: block.routerBias ? try binder.vector(prefix + "ffn_gate_inp.bias", length: count) : nil,
                gateBias: block.expertBiases ? try binder.table(prefix + "ffn_gate_exps.bias", width: length, rows: count) : nil,
                upBias: block.expertBiases ? try binder.table(prefix + "ffn_up_exps.bias", width: length, rows: count) : nil,
                downBias: block.expertBiases ? try binder.table(prefix + "ffn_down_exps.bias", width: embedding, rows: count) : nil))
        }
    }

    var matrices: [LinearWeight] {
        switch self {
        case .dense(let weights): weights.matrices
        case .experts(let weights): weights.matrices
        }
    }
}
