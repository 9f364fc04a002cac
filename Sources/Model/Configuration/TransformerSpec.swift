/// Everything the forward pass needs to know about a model, independent of its family.
///
/// Each family's configuration (``LlamaConfiguration``, ``Gemma3Configuration``, …) reads its
/// metadata keys and produces one of these; the forward pass executes only this description.
public struct TransformerSpec: Sendable, Equatable {
    /// The family the spec was read from.
    public var family: ArchitectureFamily
    /// Width of the residual stream (`n_embd`).
    public var embeddingLength: Int
    /// Number of transformer blocks.
    public var blockCount: Int
    /// The training context length (`{arch}.context_length`).
    public var contextLength: Int
    /// Rows of the token embedding (and columns of the logits).
    public var vocabularySize: Int
    /// Query heads.
    public var headCount: Int
    /// Key/value heads (grouped-query attention when fewer than ``headCount``).
    public var headCountKV: Int
    /// Width of one query/key head.
    public var keyLength: Int
    /// Width of one value head.
    public var valueLength: Int
    /// Epsilon of every RMS norm.
    public var normEpsilon: Float
    /// Factor applied to the embedding rows (Gemma: √n_embd; otherwise 1).
    public var embeddingScale: Float
    /// Factor applied to q·k (1/√keyLength for most families).
    public var attentionScale: Float
    /// Rotary position embedding shared by all layers (base and scale may vary per layer).
    public var rope: RotarySpec
    /// Per-layer differences: RoPE base, sliding window.
    public var layers: [LayerSpec]
    /// q, k, v projections carry biases (Qwen2).
    public var attentionBiases: Bool
    /// Per-head RMS norms on q and k before RoPE (Qwen3, Gemma 3).
    public var queryKeyNorms: Bool
    /// RMS norms after attention and after the feed-forward block, before the residual add (Gemma 3).
    public var postNorms: Bool
    /// The feed-forward block.
    public var feedForward: FeedForwardSpec

    /// Width of all query heads together.
    public var queryWidth: Int { headCount * keyLength }
    /// Width of all key heads together.
    public var keyWidth: Int { headCountKV * keyLength }
    /// Width of all value heads together.
    public var valueWidth: Int { headCountKV * valueLength }
    /// Width of the concatenated attention output (input of `attn_output`).
    public var attentionOutputWidth: Int { headCount * valueLength }
}

/// How positions rotate query and key pairs.
public struct RotarySpec: Sendable, Equatable {
    /// Which element pairs rotate together.
    public enum Layout: String, Sendable, Equatable {
        /// Pairs (2i, 2i+1): llama.cpp's `LLAMA_ROPE_TYPE_NORM` (Llama, Mixtral).
        case normal
        /// Pairs (i, i + n/2): `LLAMA_ROPE_TYPE_NEOX` (Qwen2/3, Gemma 3).
        case neox
    }

    /// Leading dimensions of each head that rotate (`rope.dimension_count`, default the head width).
    public var dimensions: Int
    /// Pairing of the rotated elements.
    public var layout: Layout
    /// YaRN extrapolation mix (0 = plain linear scaling), as ggml's `ext_factor`.
    public var extrapolationFactor: Float = 0
    /// YaRN magnitude factor, as ggml's `attn_factor`.
    public var attentionFactor: Float = 1
    /// YaRN ramp bounds, as ggml's `beta_fast` and `beta_slow`.
    public var betaFast: Float = 32
    public var betaSlow: Float = 1
    /// The context length the model was trained with before scaling (YaRN).
    public var originalContextLength: Int = 0
    /// Per-dimension-pair frequency divisors (`rope_freqs.weight`, Llama 3.x), if any.
    public var frequencyFactors: [Float]? = nil
}

/// What differs between layers.
public struct LayerSpec: Sendable, Equatable {
    /// RoPE frequency base of this layer.
    public var ropeBase: Float
    /// RoPE frequency scale of this layer (1/linear factor).
    public var ropeScale: Float
    /// Keys at distance ≥ this from the query are masked (sliding-window layers); nil = global.
    public var slidingWindow: Int?
}

/// The feed-forward block.
public enum FeedForwardSpec: Sendable, Equatable {
    /// The gate activation of a gated (GLU) feed-forward block.
    public enum Activation: String, Sendable, Equatable {
        /// SwiGLU: silu(gate)·up.
        case silu
        /// GeGLU with the tanh approximation of GELU, as ggml's `gelu`.
        case geluTanh
    }

    /// `ffn_gate`, `ffn_up`, `ffn_down` of width `length`.
    case dense(length: Int, activation: Activation)
    /// A router `ffn_gate_inp` over `count` experts, `used` chosen per token by softmax top-k,
    /// each an `ffn_{gate,up,down}_exps` slice of width `length`.
    case experts(count: Int, used: Int, length: Int, activation: Activation, normalizeWeights: Bool)
}
