extension ChannelSaliency {
    /// Per-channel saliency: mean over rows of |W| times the input's mean |x|.
    public static func values(errors: ColumnErrors, meanAbs: [Double]) -> [Double] {
        precondition(errors.absoluteWeight.count == meanAbs.count)
        let rows = Double(max(1, errors.rows))
        return meanAbs.indices.map { errors.absoluteWeight[$0] / rows * meanAbs[$0] }
    }

    /// The summary of per-channel `saliency` values.
    public static func measure(_ saliency: [Double]) -> ChannelSaliency {
        let shares = ColumnRanking.topShares(saliency, fractions: [0.01, 0.10])
        return ChannelSaliency(top1PercentShare: shares[0], top10PercentShare: shares[1],
                               topChannels: ColumnRanking.largest(saliency, count: min(16, saliency.count)))
    }
}
