/// A score a sweep computes: `rmse` (per-tensor importance-weighted errors, always computed),
/// `kld` and `ppl` (end to end, on the held-out text).
public enum SweepMetric: String, Codable, Sendable, CaseIterable {
    case rmse, kld, ppl

    /// Whether the metric needs the model run end to end.
    public var isEndToEnd: Bool {
        switch self {
        case .rmse: false
        case .kld, .ppl: true
        }
    }

    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let metric = SweepMetric(rawValue: name) else {
            let names = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown metric '\(name)' (\(names))"))
        }
        self = metric
    }
}
