import GGUF

/// The tensors of one transformer block, bound by llama.cpp's names (`blk.N.…`) and checked
/// against the spec's shapes.
struct BlockWeights {
    let attentionNorm: [Float]
    let query: LinearWeight
    let key: LinearWeight
    let value: LinearWeight
    let attentionOutput: LinearWeight
    let queryBias: [Float]?
    let keyBias: [Float]?
    let valueBias: [Float]?
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
        query = try binder.matrix(prefix + "attn_q.weight", inFeatures: embedding, outFeatures: spec.queryWidth)
        key = try binder.matrix(prefix + "attn_k.weight", inFeatures: embedding, outFeatures: spec.keyWidth)
        value = try binder.matrix(prefix + "attn_v.weight", inFeatures: embedding, outFeatures: spec.valueWidth)
        attentionOutput = try binder.matrix(prefix + "attn_output.weight",
                                            inFeatures: spec.attentionOutputWidth, outFeatures: embedding)
        if spec.attentionBiases {
            queryBias = try binder.vector(prefix + "attn_q.bias", length: spec.queryWidth)
            keyBias = try binder.vector(prefix + "attn_k.bias", length: spec.keyWidth)
            valueBias = try binder.vector(prefix + "attn_v.bias", length: spec.valueWidth)
        } else {
            (queryBias, keyBias, valueBias) = (nil, nil, nil)
        }
        if spec.queryKeyNorms {
            queryNorm = try binder.vector(prefix + "attn_q_norm.weight", length: spec.keyLength)
            keyNorm = try binder.vector(prefix + "attn_k_norm.weight", length: spec.keyLength)
        } else {
            (queryNorm, keyNorm) = (nil, nil)
        }
        postAttentionNorm = spec.postNorms
            ? try binder.vector(prefix + "post_attention_norm.weight", length: embedding) : nil
        feedForwardNorm = try binder.vector(prefix + "ffn_norm.weight", length: embedding)
        feedForward = try FeedForwardWeights(prefix: prefix, spec: spec, binder: binder)
        postFeedForwardNorm = spec.postNorms
            ? try binder.vector(prefix + "post_ffw_norm.weight", length: embedding) : nil
    }

    /// The matrices in the order the forward pass uses them.
    var matrices: [LinearWeight] {
        [query, key, value, attentionOutput] + feedForward.matrices
    }
}

/// The feed-forward tensors of a block: gated dense, or a router with expert stacks.
enum FeedForwardWeights {
    case dense(gate: LinearWeight, up: LinearWeight, down: LinearWeight)
    case experts(router: LinearWeight, gate: LinearWeight, up: LinearWeight, down: LinearWeight)

    init(prefix: String, spec: TransformerSpec, binder: WeightBinder) throws(GGUFError) {
        let embedding = spec.embeddingLength
        switch spec.feedForward {
        case .dense(let length, _):
            self = .dense(
                gate: try binder.matrix(prefix + "ffn_gate.weight", inFeatures: embedding, outFeatures: length),
                up: try binder.matrix(prefix + "ffn_up.weight", inFeatures: embedding, outFeatures: length),
                down: try binder.matrix(prefix + "ffn_down.weight", inFeatures: length, outFeatures: embedding))
        case .experts(let count, _, let length, _, _):
            self = .experts(
                router: try binder.matrix(prefix + "ffn_gate_inp.weight", inFeatures: embedding, outFeatures: count),
                gate: try binder.experts(prefix + "ffn_gate_exps.weight", inFeatures: embedding, outFeatures: length, count: count),
                up: try binder.experts(prefix + "ffn_up_exps.weight", inFeatures: embedding, outFeatures: length, count: count),
                down: try binder.experts(prefix + "ffn_down_exps.weight", inFeatures: length, outFeatures: embedding, count: count))
        }
    }

    var matrices: [LinearWeight] {
        switch self {
        case .dense(let gate, let up, let down): [gate, up, down]
        case .experts(let router, let gate, let up, let down): [router, gate, up, down]
        }
    }
}
