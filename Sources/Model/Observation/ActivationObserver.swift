/// Receives the input of every weight matrix the forward pass multiplies.
///
/// The forward pass calls ``observe(_:)`` on its own thread just before each product, with a
/// pointer into its working buffers: nothing is copied for the observer, and without an
/// observer nothing is done at all. The pointer is valid only during the call; an observer
/// that keeps statistics (the imatrix accumulator) folds the rows in before returning and may
/// use several threads to do so.
///
/// Calls per block, in order: `attn_q`, `attn_k`, `attn_v` (the same normed rows), `attn_output`;
/// then `ffn_gate`, `ffn_up` (same rows), `ffn_down` — or for a mixture of experts
/// `ffn_gate_inp` (dense), then per expert that received tokens `ffn_gate_exps`, `ffn_up_exps`
/// and `ffn_down_exps` with that expert's rows, then the shared experts `ffn_*_shexp` (dense). With
/// DeepSeek's latent attention the attention products are `attn_q` or `attn_q_a`/`attn_q_b`,
/// `attn_kv_a_mqa`, and `attn_kv_b` or per head `attn_k_b`/`attn_v_b` (``ExpertRows/countsOnce``).
/// Finally the output matrix (`output.weight`, or
/// `token_embd.weight` when the output is tied) with every row of the batch, as llama-imatrix
/// requests logits for all tokens — also when no logits are requested and the product is skipped.
public protocol ActivationObserver: AnyObject {
    /// Called with the input rows of one weight product.
    func observe(_ activation: ObservedActivation)
}

/// One weight product's input: `rows × columns` float32, row-major and contiguous.
public struct ObservedActivation {
    /// The weight tensor's name, e.g. `blk.3.ffn_down.weight`.
    public let tensorName: String
    /// The first element; valid only during ``ActivationObserver/observe(_:)``.
    public let input: UnsafePointer<Float>
    /// Number of input rows (tokens, or tokens routed to ``expert``).
    public let rows: Int
    /// Row width: the weight's input features.
    public let columns: Int
    /// For a slice of an expert tensor (`*_exps`): which expert and which tokens; nil for a
    /// dense matrix.
    public let expert: ExpertRows?

    public init(tensorName: String, input: UnsafePointer<Float>, rows: Int, columns: Int, expert: ExpertRows?) {
        self.tensorName = tensorName
        self.input = input
        self.rows = rows
        self.columns = columns
        self.expert = expert
    }

    /// The input as a buffer of `rows × columns` floats.
    public var values: UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: input, count: rows * columns) }
}

/// The routing behind an expert slice's rows.
public struct ExpertRows {
    /// The expert (0-based) whose matrices these rows multiply.
    public let expert: Int
    /// Experts in the tensor.
    public let expertCount: Int
    /// For each input row, the index of its token in the batch.
    public let tokenIndices: UnsafeBufferPointer<Int32>
    /// The experts chosen for every token of the batch: `tokens × usedCount`, row-major.
    public let selectedExperts: UnsafeBufferPointer<Int32>
    /// Experts chosen per token.
    public let usedCount: Int
    /// Whether this is one head's slice of a 3-D dense weight that every token multiplies
    /// (DeepSeek's `attn_k_b`, `attn_v_b`): llama-imatrix keeps one count for the whole stack,
    /// the tokens, not one per slice.
    public let countsOnce: Bool

    public init(expert: Int, expertCount: Int, tokenIndices: UnsafeBufferPointer<Int32>,
                selectedExperts: UnsafeBufferPointer<Int32>, usedCount: Int, countsOnce: Bool = false) {
        self.expert = expert
        self.expertCount = expertCount
        self.tokenIndices = tokenIndices
        self.selectedExperts = selectedExperts
        self.usedCount = usedCount
        self.countsOnce = countsOnce
    }
}
