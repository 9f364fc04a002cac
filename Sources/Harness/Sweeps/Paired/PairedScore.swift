/// A variant's end-to-end scores on one text paired with the baseline's on the same tokens:
/// the per-token differences of KL divergence and of negative log-likelihood (whose mean is
/// the log of the perplexity ratio), each with its chunk-level standard error and interval.
public struct PairedScore: Codable, Sendable, Equatable {
    /// The variant compared with (`Q4_K/llama`).
    public var baseline: String
    /// Per-token KL divergence, variant − baseline.
    public var kld: PairedDifference
    /// Per-token negative log-likelihood, variant − baseline.
    public var nll: PairedDifference

    public init(baseline: String, kld: PairedDifference, nll: PairedDifference) {
        self.baseline = baseline
        self.kld = kld
        self.nll = nll
    }

    /// Better, worse or a tie on KL divergence.
    public var verdict: PairedDifference.Verdict { kld.verdict }

    /// The paired score of `variant` against `baseline`, or nil when they were not scored on
    /// the same tokens (another sweep, text, chunking or length).
    public static func between(_ variant: TokenScores, _ baseline: TokenScores) -> PairedScore? {
        guard variant.fingerprint == baseline.fingerprint, variant.text == baseline.text, variant.perChunk == baseline.perChunk,
              let kld = PairedDifference.between(variant.divergence, baseline.divergence, perChunk: variant.perChunk),
              let nll = PairedDifference.between(variant.negativeLogLikelihood, baseline.negativeLogLikelihood, perChunk: variant.perChunk)
        else { return nil }
        return PairedScore(baseline: baseline.variant, kld: kld, nll: nll)
    }
}
