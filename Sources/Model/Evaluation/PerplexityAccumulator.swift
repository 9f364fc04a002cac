import Foundation

/// Running perplexity over scored predictions, with llama-perplexity's uncertainty estimate.
///
/// Keeps Σ nll and Σ nll² over all predictions so far. ``perplexity`` is exp(mean nll); the
/// final ± is `ppl · sqrt((mean nll² − mean nll²) / (n − 1))`, the standard error propagated
/// through exp, exactly as llama.cpp prints it.
public struct PerplexityAccumulator: Sendable, Equatable {
    public private(set) var negativeLogLikelihood: Double = 0
    public private(set) var squaredNegativeLogLikelihood: Double = 0
    public private(set) var count = 0

    public init() {}

    /// Adds predictions given as log-probabilities of their targets.
    public mutating func add(logProbabilities: some Sequence<Double>) {
        for logProbability in logProbabilities {
            let nll = -logProbability
            negativeLogLikelihood += nll
            squaredNegativeLogLikelihood += nll * nll
            count += 1
        }
    }

    /// exp(mean negative log-likelihood); NaN before any prediction.
    public var perplexity: Double { count == 0 ? .nan : exp(negativeLogLikelihood / Double(count)) }

    /// The ± of the final estimate, nil when it is undefined (fewer than two predictions or a
    /// non-positive variance, where llama.cpp prints a warning instead).
    public var uncertainty: Double? {
        guard count > 1 else { return nil }
        let mean = negativeLogLikelihood / Double(count)
        let variance = squaredNegativeLogLikelihood / Double(count) - mean * mean
        guard variance > 0 else { return nil }
        return (variance / Double(count - 1)).squareRoot() * perplexity
    }
}
