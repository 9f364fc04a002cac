import Kernels

/// A variant's per-token scores against the baseline's on the same tokens: the mean of the
/// per-token differences (variant − baseline; negative is better for KLD and NLL), its standard
/// error and a 95% interval, both over chunks, because the tokens of one chunk share their
/// context and are not independent.
///
/// The standard error is that of the mean of the chunk means (every chunk scores the same
/// number of tokens, so that mean is the token mean). The interval is a percentile bootstrap:
/// ``resamples`` draws of as many chunks as there are, with replacement, from a fixed seed, so
/// the same scores always give the same interval. With fewer than ``minimumChunks`` chunks the
/// interval is left out and the verdict is a tie: so few clusters cannot support one.
public struct PairedDifference: Codable, Sendable, Equatable {
    /// Mean per-token difference, variant − baseline.
    public var mean: Double
    /// Standard error of `mean` over chunks; nil with fewer than two chunks.
    public var standardError: Double?
    /// The 95% bootstrap interval of `mean`; nil with fewer than ``minimumChunks`` chunks.
    public var low: Double?
    public var high: Double?
    /// Chunks (clusters) the statistics are over.
    public var chunks: Int

    /// Bootstrap draws behind the interval.
    public static let resamples = 2000
    /// Fewest chunks for an interval (and so for a verdict other than a tie).
    public static let minimumChunks = 8

    /// What the interval says about the variant, when lower values are better.
    public enum Verdict: String, Codable, Sendable, CaseIterable {
        /// The whole interval is below zero.
        case better
        /// The whole interval is above zero.
        case worse
        /// The interval holds zero, or there are too few chunks for one.
        case tie
    }

    public var verdict: Verdict {
        guard let low, let high else { return .tie }
        if high < 0 { return .better }
        if low > 0 { return .worse }
        return .tie
    }

    public init(mean: Double, standardError: Double?, low: Double?, high: Double?, chunks: Int) {
        self.mean = mean
        self.standardError = standardError
        self.low = low
        self.high = high
        self.chunks = chunks
    }

    /// The paired difference of `variant` from `baseline`, both `chunks × perChunk` values in
    /// chunk order; nil when the lengths differ or do not make whole chunks.
    public static func between(_ variant: [Float], _ baseline: [Float], perChunk: Int) -> PairedDifference? {
        guard perChunk > 0, variant.count == baseline.count, !variant.isEmpty, variant.count % perChunk == 0 else { return nil }
        let chunkCount = variant.count / perChunk
        var chunkMeans = [Double](repeating: 0, count: chunkCount)
        for chunk in 0..<chunkCount {
            var sum = 0.0
            for index in (chunk * perChunk)..<((chunk + 1) * perChunk) { sum += Double(variant[index]) - Double(baseline[index]) }
            chunkMeans[chunk] = sum / Double(perChunk)
        }
        let mean = chunkMeans.reduce(0, +) / Double(chunkCount)
        var standardError: Double?
        if chunkCount >= 2 {
            let squares = chunkMeans.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            standardError = (squares / Double(chunkCount - 1) / Double(chunkCount)).squareRoot()
        }
        var difference = PairedDifference(mean: mean, standardError: standardError, low: nil, high: nil, chunks: chunkCount)
        if chunkCount >= minimumChunks {
            let interval = bootstrapInterval(chunkMeans)
            difference.low = interval.low
            difference.high = interval.high
        }
        return difference
    }

    /// The 2.5% and 97.5% quantiles of the means of ``resamples`` resamples of `chunkMeans`.
    static func bootstrapInterval(_ chunkMeans: [Double]) -> (low: Double, high: Double) {
        var generator = SplitMix64(seed: 0x1A7_2026)
        let count = chunkMeans.count
        var means = [Double](repeating: 0, count: resamples)
        for draw in 0..<resamples {
            var sum = 0.0
            for _ in 0..<count { sum += chunkMeans[Int(generator.next() % UInt64(count))] }
            means[draw] = sum / Double(count)
        }
        means.sort()
        return (SortedQuantile.value(means, 0.025), SortedQuantile.value(means, 0.975))
    }
}
