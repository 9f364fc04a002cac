import Foundation
import Kernels

/// llama-perplexity's `--kl-divergence` summary of many ``DivergenceSample``s: mean KL
/// divergence with its standard error, percentiles, same-top rate, perplexities and the RMS
/// change of the target's probability.
public struct DivergenceStatistics: Sendable, Equatable {
    public private(set) var samples: [DivergenceSample] = []

    public init() {}

    /// Adds predictions.
    public mutating func add(_ more: [DivergenceSample]) { samples += more }

    public var count: Int { samples.count }

    /// Mean and standard error as llama-perplexity computes them (0 error for ≤ 10 values).
    static func meanAndUncertainty(_ values: [Double]) -> (mean: Double, uncertainty: Double) {
        guard !values.isEmpty else { return (0, 0) }
        var sum: Double = 0, squares: Double = 0
        for value in values {
            sum += value
            squares += value * value
        }
        let count = Double(values.count)
        let mean = sum / count
        let variance = squares / count - mean * mean
        return (mean, variance > 0 && values.count > 10 ? (variance / (count - 1)).squareRoot() : 0)
    }

    /// Mean KL divergence and its ±.
    public var meanDivergence: (mean: Double, uncertainty: Double) {
        Self.meanAndUncertainty(samples.map(\.divergence))
    }

    /// The `fraction` quantile of the per-prediction KL divergence, interpolated as
    /// llama-perplexity does (0.5 is its median for odd counts; for even counts the median is
    /// the mean of the middle two, which the interpolation also gives).
    public func divergencePercentile(_ fraction: Double) -> Double {
        SortedQuantile.value(samples.map(\.divergence).sorted(), fraction)
    }

    /// Perplexity of the compared model.
    public var perplexity: Double {
        Foundation.exp(Self.meanAndUncertainty(samples.map(\.negativeLogLikelihood)).mean)
    }

    /// Perplexity of the reference from its stored 16-bit rows (close to, not exactly, the
    /// reference's own perplexity).
    public var storedBasePerplexity: Double {
        Foundation.exp(Self.meanAndUncertainty(samples.map(\.baseNegativeLogLikelihood)).mean)
    }

    /// Fraction of predictions with the same most likely token.
    public var sameTopFraction: Double {
        samples.isEmpty ? .nan : Double(samples.filter(\.sameTop).count) / Double(samples.count)
    }

    /// RMS of p(target) − p_reference(target).
    public var rmsProbabilityChange: Double {
        guard !samples.isEmpty else { return .nan }
        var sum: Double = 0
        for sample in samples {
            let change = Foundation.exp(-sample.negativeLogLikelihood) - Foundation.exp(-sample.baseNegativeLogLikelihood)
            sum += change * change
        }
        return (sum / Double(samples.count)).squareRoot()
    }
}
