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
    /// Biases of the q, k, v projections (Qwen2: required; GLM-4.5: used when present).
    public var attentionBiases: TensorPresence
    /// Per-head RMS norms on q and k before RoPE (Qwen3, Gemma 3: required; GLM-4.5: when present).
    public var queryKeyNorms: TensorPresence
    /// RMS norms after attention and after the feed-forward block, before the residual add (Gemma 3).
    public var postNorms: Bool
    /// `attn_output.bias`, added after the attention output projection (gpt-oss: required).
    public var attentionOutputBias: TensorPresence = .absent
    /// `attn_sinks.weight`: one logit per query head that joins every softmax over the keys
    /// without a value of its own (gpt-oss).
    public var attentionSinks = false
    /// DeepSeek's multi-head latent attention, when the family uses it instead of `attn_q/k/v`.
    public var latentAttention: LatentAttentionSpec? = nil
    /// The name of the RMS norm before the feed-forward block (`blk.N.<name>.weight`):
    /// `ffn_norm`, or `post_attention_norm` for GLM-4.5, whose converter names it after its place.
    public var feedForwardNormName: String = "ffn_norm"

    /// Width of all query heads together.
    public var queryWidth: Int { headCount * keyLength }
    /// Width of all key heads together.
    public var keyWidth: Int { headCountKV * keyLength }
    /// Width of all value heads together.
    public var valueWidth: Int { headCountKV * valueLength }
    /// Width of the concatenated attention output (input of `attn_output`).
    public var attentionOutputWidth: Int { headCount * (latentAttention?.absorbedValueLength ?? valueLength) }
    /// The spec the attention kernel runs: this one, or for absorbed latent attention the latent
    /// view (one key/value head of `keyLength` / `valueLength`, output per head `valueLength` wide).
    var attentionKernelSpec: TransformerSpec {
        guard latentAttention?.absorbedValueLength != nil else { return self }
        var view = self
        view.latentAttention = nil
        return view
    }
}

/// DeepSeek-V2/V3's multi-head latent attention (MLA), in the layout with `attn_kv_b`:
/// q = `attn_q`·x, or `attn_q_b`·norm(`attn_q_a`·x) with rank ``queryRank``; `attn_kv_a_mqa`·x
/// gives a latent of ``keyValueRank`` values (RMS-normed by `attn_kv_a_norm`, then expanded by
/// `attn_kv_b` into every head's key part without position and its value) and ``positionLength``
/// values shared by all heads that RoPE rotates (the key's position part). Each head's query and
/// key are [``noPositionLength`` | ``positionLength``] wide (the spec's `keyLength`), RoPE on the
/// trailing part; every head has its own key and value (`headCountKV == headCount`).
///
/// In the absorbed layout (`attn_k_b`, `attn_v_b`; ``absorbedValueLength`` set) attention runs on
/// the latent instead: each head's query is [`attn_k_b`(head)·q without position | q's rotary
/// part], its key the one shared [normed latent | rotary part] (`keyLength` = rank + rotary,
/// `headCountKV == 1`), its value the normed latent (`valueLength` = rank), and `attn_v_b`(head)
/// turns each head's latent output into ``absorbedValueLength`` values before `attn_output`.
public struct LatentAttentionSpec: Sendable, Equatable {
    /// `attention.q_lora_rank`; 0 = a direct `attn_q`.
    public var queryRank: Int
    /// `attention.kv_lora_rank`.
    public var keyValueRank: Int
    /// Key dimensions per head without rotary position.
    public var noPositionLength: Int
    /// Rotated dimensions per head (`rope.dimension_count`).
    public var positionLength: Int
    /// Absorbed layout: each head's value width after `attn_v_b` (`attention.value_length_mla`).
    public var absorbedValueLength: Int?

    public init(queryRank: Int, keyValueRank: Int, noPositionLength: Int, positionLength: Int,
                absorbedValueLength: Int? = nil) {
        self.queryRank = queryRank
        self.keyValueRank = keyValueRank
        self.noPositionLength = noPositionLength
        self.positionLength = positionLength
        self.absorbedValueLength = absorbedValueLength
    }

    /// Width of each head of `attn_q` / `attn_q_b`'s output: without position + rotary.
    public var queryHeadWidth: Int { noPositionLength + positionLength }
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

/// Whether a block's optional tensors (biases, norms) are bound.
public enum TensorPresence: Sendable, Equatable {
    /// Never bound, even when the file has them.
    case absent
    /// Bound; a file without them is refused.
    case required
    /// Bound when the file has them (llama.cpp's `TENSOR_NOT_REQUIRED`).
    case optional
}

/// What differs between layers.
public struct LayerSpec: Sendable, Equatable {
    /// RoPE frequency base of this layer.
    public var ropeBase: Float
    /// RoPE frequency scale of this layer (1/linear factor).
    public var ropeScale: Float
    /// Keys at distance ≥ this from the query are masked (sliding-window layers); nil = global.
    public var slidingWindow: Int?
    /// The feed-forward block of this layer (DeepSeek and GLM start with dense blocks, then experts).
    public var feedForward: FeedForwardSpec
}

/// The feed-forward block.
public enum FeedForwardSpec: Sendable, Equatable {
    /// The gate activation of a gated (GLU) feed-forward block.
    public enum Activation: String, Sendable, Equatable {
        /// SwiGLU: silu(gate)·up.
        case silu
        /// GeGLU with the tanh approximation of GELU, as ggml's `gelu`.
        case geluTanh
        /// gpt-oss's clamped SwiGLU (ggml's `swiglu_oai`): min(g, 7)·σ(1.702·min(g, 7))·(clamp(u, ±7) + 1).
        case clampedSwiGLU

        /// llama.cpp's α and limit of ``clampedSwiGLU``.
        public static let clampedSwiGLUAlpha: Float = 1.702
        public static let clampedSwiGLULimit: Float = 7
    }

    /// `ffn_gate`, `ffn_up`, `ffn_down` of width `length`.
    case dense(length: Int, activation: Activation)
    /// A router `ffn_gate_inp` choosing among `ffn_{gate,up,down}_exps` experts per token,
    /// optionally with always-on shared experts.
    case experts(ExpertBlockSpec)
}

/// A mixture-of-experts feed-forward block as llama.cpp's `build_moe_ffn` evaluates it:
/// router logits (+ ``routerBias``) → probabilities (``gating``) → `used` experts chosen by
/// probability plus the selection bias (`exp_probs_b`, which chooses but does not weigh) →
/// their unbiased probabilities as weights (or, for ``Gating/softmaxOverChosen``, the softmax of
/// the chosen logits), renormalised to sum 1 when ``normalizeWeights`` and multiplied by
/// ``weightsScale`` → the weighted sum of the chosen experts' gated feed-forwards (with their
/// ``expertBiases``), plus the shared experts' (`ffn_{gate,up,down}_shexp`, width
/// ``sharedLength``) when there are any.
public struct ExpertBlockSpec: Sendable, Equatable {
    /// How router logits become probabilities (`{arch}.expert_gating_func`).
    public enum Gating: String, Sendable, Equatable {
        /// Softmax over all experts (llama.cpp's 1).
        case softmax
        /// An independent sigmoid per expert (llama.cpp's 2; DeepSeek-V3, GLM-4.5).
        case sigmoid
        /// The logits choose; the weights are the softmax over the chosen experts' logits
        /// (llama.cpp's 3, `SOFTMAX_WEIGHT`; gpt-oss).
        case softmaxOverChosen
    }

    /// Experts in the stack (`expert_count`).
    public var count: Int
    /// Experts chosen per token (`expert_used_count`).
    public var used: Int
    /// Width of one expert.
    public var length: Int
    public var activation: FeedForwardSpec.Activation
    public var gating: Gating = .softmax
    /// Whether the chosen experts' weights are divided by their sum (clamped below at 2⁻¹⁴).
    public var normalizeWeights: Bool
    /// Factor on the routing weights (`expert_weights_scale`; 1 = none).
    public var weightsScale: Float = 1
    /// `blk.N.exp_probs_b.bias`, added to the probabilities for the choice (GLM-4.5: required;
    /// DeepSeek: when present).
    public var selectionBias: TensorPresence = .absent
    /// Grouped top-k (DeepSeek-V3): the experts form `groupCount` equal groups, each scored by the
    /// sum of its two best selection scores, and only the best `groupsUsed` groups may be chosen.
    public var groupCount = 1
    public var groupsUsed = 1
    /// Width of the shared experts' feed-forward (expert width × `expert_shared_count`); 0 = none.
    public var sharedLength = 0
    /// Whether `ffn_gate_inp.bias` is added to the router logits (gpt-oss).
    public var routerBias = false
    /// Whether `ffn_{gate,up,down}_exps.bias` (one row per expert) are added after each expert
    /// product (gpt-oss).
    public var expertBiases = false

    public init(count: Int, used: Int, length: Int, activation: FeedForwardSpec.Activation, normalizeWeights: Bool) {
        self.count = count
        self.used = used
        self.length = length
        self.activation = activation
        self.normalizeWeights = normalizeWeights
    }
}
