/// What to write for matrices (experts) that received no tokens. Applied to the written copy
/// only; the collected sums are never changed.
///
/// | policy | rule |
/// |---|---|
/// | `keep` | write sums and counts as collected (zeros stay zeros). llama.cpp's GGUF writer; its quantizer then uses importance 1 for such experts. The legacy format cannot hold a zero count, so there it means `fill-one` (llama.cpp's legacy writer). |
/// | `fill-one` | a zero-count matrix gets Σx² = 1 and count 1 per column: importance 1, what llama.cpp's legacy writer stores. |
/// | `ik` | ik_llama.cpp PR 202: an expert tensor is written (missing experts filled as `fill-one`) only if fewer than round(0.05 · experts) of its experts are missing; otherwise, and for a dense tensor without data, it is left out. |
/// | `skip` | llama.cpp before #9400: leave out every tensor with a zero-count matrix. |
/// | `prior=W` | a neutral prior: every matrix of every tensor gets W pseudo-tokens whose x² is 1 in every column (Σx² += W per column, count += W). A matrix with N tokens and mean m then has importance (N·m + W)/(N + W): exactly 1 at N = 0 (as `fill-one`), the data's mean when N ≫ W, and a count-weighted blend for rarely used experts. W is an integer ≥ 1; choose it against the data's x² scale (1 is what llama.cpp substitutes for missing data). |
public enum PartialDataPolicy: Sendable, Equatable, CustomStringConvertible {
    case keep
    case fillOne
    case ik
    case skip
    case prior(pseudoTokens: Int)

    /// Parses `keep`, `fill-one`, `ik`, `skip` or `prior=W`.
    /// - Throws: ``ImatrixError`` with field `--partial-data` for anything else.
    public init(parsing text: String) throws(ImatrixError) {
        switch text {
        case "keep": self = .keep
        case "fill-one": self = .fillOne
        case "ik": self = .ik
        case "skip": self = .skip
        default:
            if text.hasPrefix("prior=") {
                guard let weight = Int(text.dropFirst("prior=".count)), weight >= 1 else {
                    throw ImatrixError(file: "command line", field: "--partial-data",
                                       message: "'\(text)': the prior weight W in prior=W must be an integer ≥ 1")
                }
                self = .prior(pseudoTokens: weight)
            } else {
                throw ImatrixError(file: "command line", field: "--partial-data",
                                   message: "unknown policy '\(text)' (use keep, fill-one, ik, skip or prior=W)")
            }
        }
    }

    public var description: String {
        switch self {
        case .keep: "keep"
        case .fillOne: "fill-one"
        case .ik: "ik"
        case .skip: "skip"
        case .prior(let weight): "prior=\(weight)"
        }
    }

    /// The policies a report compares (prior with weight 1).
    public static let reported: [PartialDataPolicy] = [.keep, .fillOne, .ik, .skip, .prior(pseudoTokens: 1)]

    /// The largest number of missing experts ik_llama.cpp still stores: fewer than
    /// round(0.05 · experts), rounding halves away from zero.
    public static func ikTolerance(experts: Int) -> Int {
        Int((0.05 * Double(experts)).rounded(.toNearestOrAwayFromZero))
    }

    /// The outcome of this policy for `entry`.
    public func decision(for entry: ImatrixEntry) -> PolicyDecision {
        let missing = entry.zeroCountMatrices
        switch self {
        case .prior(let weight): return PolicyDecision(action: .addedPrior(weight), missing: missing)
        case _ where missing.isEmpty: return PolicyDecision(action: .unchanged, missing: [])
        case .keep: return PolicyDecision(action: .keptZeros, missing: missing)
        case .fillOne: return PolicyDecision(action: .filledOnes, missing: missing)
        case .skip: return PolicyDecision(action: .skipped(reason: "has matrices without tokens"), missing: missing)
        case .ik:
            guard entry.isPerExpert else {
                return PolicyDecision(action: .skipped(reason: "dense tensor without data"), missing: missing)
            }
            let tolerance = PartialDataPolicy.ikTolerance(experts: entry.matrixCount)
            if missing.count < tolerance { return PolicyDecision(action: .filledOnes, missing: missing) }
            return PolicyDecision(action: .skipped(
                reason: "\(missing.count) of \(entry.matrixCount) experts missing, ik stores only fewer than \(tolerance)"),
                missing: missing)
        }
    }

    /// The copy of `entry` to write under this policy, or nil when the policy leaves it out.
    public func apply(to entry: ImatrixEntry) -> ImatrixEntry? {
        let decision = decision(for: entry)
        var copy = entry
        switch decision.action {
        case .unchanged, .keptZeros: return entry
        case .skipped: return nil
        case .filledOnes:
            for matrix in decision.missing {
                copy.counts[matrix] = 1
                for column in 0..<entry.columns { copy.sums[matrix * entry.columns + column] = 1 }
            }
        case .addedPrior(let weight):
            for index in copy.sums.indices { copy.sums[index] += Double(weight) }
            for index in copy.counts.indices { copy.counts[index] += Int64(weight) }
        }
        return copy
    }

    /// Applies the policy to every entry: the entries to write and each entry's decision.
    public func apply(to entries: [ImatrixEntry]) -> (written: [ImatrixEntry], decisions: [(String, PolicyDecision)]) {
        var written: [ImatrixEntry] = []
        var decisions: [(String, PolicyDecision)] = []
        for entry in entries {
            decisions.append((entry.name, decision(for: entry)))
            if let copy = apply(to: entry) { written.append(copy) }
        }
        return (written, decisions)
    }
}

/// What a ``PartialDataPolicy`` does to one entry.
public struct PolicyDecision: Sendable, Equatable {
    /// The action taken.
    public enum Action: Sendable, Equatable {
        /// No matrix is missing data: written as collected.
        case unchanged
        /// Zero-count matrices written as zeros (`keep`).
        case keptZeros
        /// Zero-count matrices written with importance 1.
        case filledOnes
        /// The entry is not written.
        case skipped(reason: String)
        /// W pseudo-tokens of x² = 1 added to every matrix.
        case addedPrior(Int)
    }

    public var action: Action
    /// Matrices (experts) without tokens.
    public var missing: [Int]

    /// Whether the entry is written.
    public var isWritten: Bool {
        if case .skipped = action { return false }
        return true
    }

    /// A short phrase, e.g. `skipped (has matrices without tokens)`.
    public var summary: String {
        switch action {
        case .unchanged: "written as collected"
        case .keptZeros: "written with zeros (importance 1 at quantization)"
        case .filledOnes: "written, \(missing.count) filled with importance 1"
        case .skipped(let reason): "skipped (\(reason))"
        case .addedPrior(let weight): "written with \(weight) pseudo-token\(weight == 1 ? "" : "s") of x²=1 per matrix"
        }
    }
}
