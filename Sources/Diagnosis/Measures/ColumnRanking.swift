/// Shares and correlations over per-column values, shared by the diagnosis measures.
public enum ColumnRanking {
    /// The number of columns in the top `fraction` of `count` (at least one).
    public static func topCount(_ fraction: Double, of count: Int) -> Int {
        max(1, min(count, Int((fraction * Double(count)).rounded())))
    }

    /// The share of Σvalues held by the largest `fraction` of the values (0 when the sum is 0).
    public static func topShare(_ values: [Double], fraction: Double) -> Double {
        topShares(values, fractions: [fraction])[0]
    }

    /// ``topShare(_:fraction:)`` for several fractions with one sort.
    public static func topShares(_ values: [Double], fractions: [Double]) -> [Double] {
        let sorted = values.sorted(by: >)
        let total = sorted.reduce(0, +)
        guard total > 0 else { return fractions.map { _ in 0 } }
        return fractions.map { fraction in
            sorted.prefix(topCount(fraction, of: sorted.count)).reduce(0, +) / total
        }
    }

    /// Indices of the `count` largest values, largest first (ties by index).
    public static func largest(_ values: [Double], count: Int) -> [Int] {
        Array(values.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }.prefix(count))
    }

    /// Pearson correlation (0 when either side is constant).
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count)
        let n = Double(x.count)
        guard n > 1 else { return 0 }
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            let dx = x[i] - mx, dy = y[i] - my
            sxy += dx * dy
            sxx += dx * dx
            syy += dy * dy
        }
        guard sxx > 0, syy > 0 else { return 0 }
        return sxy / (sxx * syy).squareRoot()
    }

    /// Spearman rank correlation (average ranks for ties).
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double {
        pearson(ranks(x), ranks(y))
    }

    /// 1-based ranks, ties sharing their average rank.
    static func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var result = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, values[order[end + 1]] == values[order[start]] { end += 1 }
            let rank = Double(start + end) / 2 + 1
            for k in start...end { result[order[k]] = rank }
            start = end + 1
        }
        return result
    }

    /// Coefficient of variation (population standard deviation over mean; 0 for a zero mean).
    public static func coefficientOfVariation(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let mean = values.reduce(0, +) / Double(values.count)
        guard mean != 0 else { return 0 }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        return variance.squareRoot() / abs(mean)
    }

    /// The median (mean of the middle two for an even count; 0 when empty).
    public static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
