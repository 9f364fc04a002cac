/// Coverage of one expert tensor (`blk.N.ffn_{gate,up,down}_exps.weight`): tokens routed to
/// each expert, the experts that got none or few, and what each partial-data policy would do.
///
/// From a GGUF imatrix (or a run) the per-expert counts are exact. From a legacy `.dat` (or a
/// GGUF converted from one) they are not recoverable: ``tokensPerExpert`` is nil and, when the
/// expert count is known, ``likelyUnusedExperts`` lists the experts the legacy writer filled.
public struct ExpertTensorCoverage: Sendable, Equatable, Encodable {
    /// What one partial-data policy does with this tensor.
    public struct PolicyOutcome: Sendable, Equatable, Encodable {
        /// `keep`, `fill-one`, `ik`, `skip` or `prior=W`.
        public let policy: String
        /// Whether the tensor is written.
        public let written: Bool
        /// A sentence, e.g. `skipped (2 of 8 experts missing, ik stores only fewer than 0)`.
        public let outcome: String
        /// A table cell: `as collected`, `zeros kept`, `2 filled`, `skipped` or `+W prior`.
        public let brief: String

        public init(policy: PartialDataPolicy, decision: PolicyDecision) {
            self.policy = policy.description
            written = decision.isWritten
            outcome = decision.summary
            switch decision.action {
            case .unchanged: brief = "as collected"
            case .keptZeros: brief = "zeros kept"
            case .filledOnes: brief = "\(decision.missing.count) filled"
            case .skipped: brief = "skipped"
            case .addedPrior(let weight): brief = "+\(weight) prior"
            }
        }
    }

    public let name: String
    /// The block number.
    public let layer: Int
    /// The short tensor name, e.g. `ffn_down_exps`.
    public let family: String
    /// Experts in the tensor (nil when unknown: legacy data without the model).
    public let experts: Int?
    /// Input columns per expert (nil when unknown).
    public let columns: Int?
    /// Tokens routed to each expert, by expert id (nil when not recoverable).
    public let tokensPerExpert: [Int64]?
    /// Experts that received no token, by id.
    public let zeroTokenExperts: [Int]
    /// Experts with at least one but fewer than the report's minimum tokens, by id.
    public let lowTokenExperts: [Int]
    public let minimumTokens: Int64?
    /// The median of the per-expert counts (mean of the middle two for an even number).
    public let medianTokens: Double?
    public let maximumTokens: Int64?
    /// Σ tokens over experts: tokens × experts used per token.
    public let routedTokens: Int64?
    /// Legacy data: experts whose stored values are all the writer's fill (see ``WriterFill``);
    /// nil when that cannot be checked.
    public let likelyUnusedExperts: [Int]?
    /// The outcome under each of ``PartialDataPolicy/reported`` (empty without per-expert counts).
    public let policies: [PolicyOutcome]

    /// Coverage from an entry with one count per expert.
    public init(counted entry: ImatrixEntry, minimumTokens threshold: Int) {
        let label = TensorLabel(name: entry.name)
        name = entry.name
        layer = label.block
        family = label.tensor
        experts = entry.matrixCount
        columns = entry.columns
        tokensPerExpert = entry.counts
        zeroTokenExperts = entry.zeroCountMatrices
        lowTokenExperts = entry.counts.indices.filter { entry.counts[$0] > 0 && entry.counts[$0] < Int64(threshold) }
        let sorted = entry.counts.sorted()
        minimumTokens = sorted.first
        maximumTokens = sorted.last
        let middle = sorted.count / 2
        medianTokens = sorted.count % 2 == 1 ? Double(sorted[middle]) : (Double(sorted[middle - 1]) + Double(sorted[middle])) / 2
        routedTokens = entry.counts.reduce(0, +)
        likelyUnusedExperts = nil
        policies = PartialDataPolicy.reported.map { PolicyOutcome(policy: $0, decision: $0.decision(for: entry)) }
    }

    /// Coverage of an expert tensor whose per-expert counts were not stored (legacy data).
    /// - Parameters:
    ///   - layout: columns and experts from the model, if known.
    ///   - values: the stored values; `fill` the legacy writer's value for an unused expert
    ///     (`ncall`, or the single count of a converted entry).
    public init(uncounted name: String, layout: (columns: Int, matrices: Int)?, values: [Float], fill: Float) {
        let label = TensorLabel(name: name)
        self.name = name
        layer = label.block
        family = label.tensor
        experts = layout?.matrices
        columns = layout?.columns
        tokensPerExpert = nil
        zeroTokenExperts = []
        lowTokenExperts = []
        minimumTokens = nil
        medianTokens = nil
        maximumTokens = nil
        routedTokens = nil
        likelyUnusedExperts = layout.map { WriterFill.filledExperts(values: values, experts: $0.matrices, fill: fill) }
        policies = []
    }

    /// Whether the per-expert counts are known.
    public var isCounted: Bool { tokensPerExpert != nil }
}
