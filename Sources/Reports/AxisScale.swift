import Foundation

/// A chart axis's mapping from data values to positions, and its ticks: linear with "nice"
/// steps (1, 2 or 5 × 10ᵏ) or logarithmic with powers of ten.
public struct AxisScale: Sendable, Equatable {
    /// Linear or base-10 logarithmic.
    public enum Kind: String, Sendable, Equatable, Codable { case linear, logarithmic }

    public let kind: Kind
    /// The domain shown, widened to whole ticks.
    public let lower: Double
    public let upper: Double
    /// Tick values, ascending.
    public let ticks: [Double]

    /// A scale covering `values` (non-finite values, and values ≤ 0 on a log scale, are ignored;
    /// with nothing left the domain is 0…1, or 1…10 for a log scale).
    /// - Parameter integral: linear ticks only at whole numbers (e.g. layer numbers), and the
    ///   domain exactly the data's range.
    public init(kind: Kind, covering values: [Double], targetTicks: Int = 6, integral: Bool = false) {
        self.kind = kind
        let usable = values.filter { $0.isFinite && (kind == .linear || $0 > 0) }
        switch kind {
        case .linear:
            var low = usable.min() ?? 0, high = usable.max() ?? 1
            if low == high {
                let pad = low == 0 ? 1 : abs(low) * 0.5
                low -= pad
                high += pad
            }
            var step = AxisScale.niceStep((high - low) / Double(max(1, targetTicks - 1)))
            if integral {
                // Whole-number data (layers, ranks): the domain is the data's own range.
                step = max(1, step.rounded(.up))
                lower = low
                upper = high
                ticks = stride(from: (low / step).rounded(.up), through: (high / step).rounded(.down), by: 1).map { $0 * step }
                return
            }
            let first = (low / step).rounded(.down), last = (high / step).rounded(.up)
            lower = first * step
            upper = last * step
            ticks = stride(from: first, through: last, by: 1).map { $0 * step }
        case .logarithmic:
            var low = (usable.min().map(log10) ?? 0).rounded(.down)
            var high = (usable.max().map(log10) ?? 1).rounded(.up)
            if low == high { high += 1 }
            if !low.isFinite || !high.isFinite { (low, high) = (0, 1) }
            lower = pow(10, low)
            upper = pow(10, high)
            let decades = Int(high - low)
            let every = max(1, Int((Double(decades) / Double(max(1, targetTicks))).rounded(.up)))
            var ticks = stride(from: Int(low), through: Int(high), by: every).map { pow(10, Double($0)) }
            if decades == 1 { ticks = [lower, 2 * lower, 5 * lower, upper] }
            self.ticks = ticks
        }
    }

    /// The smallest of 1, 2, 5 × 10ᵏ that is at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, log10(raw).rounded(.down))
        for factor in [1.0, 2, 5, 10] where factor * magnitude >= raw * (1 - 1e-9) { return factor * magnitude }
        return 10 * magnitude
    }

    /// Whether `value` can be drawn on this scale.
    public func contains(_ value: Double) -> Bool { value.isFinite && (kind == .linear || value > 0) }

    /// `value`'s position between 0 (lower) and 1 (upper).
    public func fraction(_ value: Double) -> Double {
        switch kind {
        case .linear: return (value - lower) / (upper - lower)
        case .logarithmic: return (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        }
    }
}
