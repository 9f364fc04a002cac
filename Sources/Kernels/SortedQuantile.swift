/// Quantiles of sorted values, linearly interpolated between order statistics (position
/// `fraction × (count − 1)`), as llama-perplexity interpolates its KL-divergence percentiles.
public enum SortedQuantile {
    /// The `fraction` quantile of `sorted` (ascending): the first value at or below 0, the last
    /// at or above 1, nan when empty.
    public static func value(_ sorted: [Double], _ fraction: Double) -> Double {
        guard let first = sorted.first, let last = sorted.last else { return .nan }
        if fraction <= 0 { return first }
        if fraction >= 1 { return last }
        let position = fraction * Double(sorted.count - 1)
        let index = Int(position), weight = position - Double(index)
        return (1 - weight) * sorted[index] + weight * sorted[min(index + 1, sorted.count - 1)]
    }
}
