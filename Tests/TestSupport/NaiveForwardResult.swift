/// Which weight matrix (and, for a 3-D expert tensor, which expert's slice) a matmul input
/// belongs to.
public struct NaiveMatmulKey: Hashable, Sendable, CustomStringConvertible {
    public let tensorName: String
    public let expert: Int?

    public init(_ tensorName: String, expert: Int? = nil) {
        self.tensorName = tensorName
        self.expert = expert
    }

    public var description: String { expert.map { "\(tensorName)[expert \($0)]" } ?? tensorName }
}

/// One input row of a matmul: the sequence position it belongs to and its values.
public struct NaiveInputRow: Sendable {
    public let position: Int
    public let values: [Double]
}

/// What one ``NaiveTransformer`` run produced.
public struct NaiveForwardResult: Sendable {
    /// The positions whose logits were computed, in order.
    public let outputPositions: [Int]
    /// One logits row (vocabulary-wide) per entry of `outputPositions`.
    public internal(set) var logits: [[Double]] = []
    /// Every matmul input, by weight (and expert), rows in ascending position order.
    public internal(set) var inputs: [NaiveMatmulKey: [NaiveInputRow]] = [:]
    /// MoE: per layer, the selected experts of each position (best first).
    public internal(set) var routing: [Int: [[Int]]] = [:]
    /// MoE: the smallest gap between the last selected and the first unselected router logit
    /// (infinity for dense models). A tiny gap would let float rounding change the routing.
    public internal(set) var minimumRoutingMargin = Double.infinity

    init(outputPositions: [Int]) { self.outputPositions = outputPositions }

    mutating func record(_ tensorName: String, expert: Int? = nil, position: Int, _ values: [Double]) {
        inputs[NaiveMatmulKey(tensorName, expert: expert), default: []].append(NaiveInputRow(position: position, values: values))
    }

    /// Natural-log negative log-likelihood of `next` under the logits row of output index `row`.
    public func negativeLogLikelihood(row: Int, next: Int32) -> Double {
        NaiveMath.logSumExp(logits[row]) - logits[row][Int(next)]
    }
}
