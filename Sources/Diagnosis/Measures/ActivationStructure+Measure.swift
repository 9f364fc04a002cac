import IMatrix

extension ActivationStructure {
    /// A column is an outlier when its RMS is at least this many times the median column RMS.
    public static let outlierColumnFactor = 6.0

    /// The structure of the input described by `moments` (pooled over experts).
    public static func measure(_ moments: ColumnMoments) -> ActivationStructure {
        let rms = moments.meanSquares.map { $0.squareRoot() }
        let values = moments.rows * Double(moments.columns)
        let power = moments.sumSquares.reduce(0, +), fourth = moments.sumFourth.reduce(0, +)
        let shares = ColumnRanking.topShares(moments.sumSquares, fractions: [0.01, 0.10])
        let live = rms.filter { $0 > 0 }
        let smallest = live.min() ?? 0, largest = live.max() ?? 0
        let threshold = ColumnRanking.median(rms) * outlierColumnFactor
        let outliers = threshold > 0
            ? ColumnRanking.largest(rms, count: rms.count).filter { rms[$0] >= threshold }
            : []
        let meanSquare = values > 0 ? power / values : 0
        return ActivationStructure(
            rows: moments.rows,
            rmsCV: ColumnRanking.coefficientOfVariation(rms),
            rmsMaxOverMin: smallest > 0 ? largest / smallest : 1,
            top1PercentPowerShare: shares[0], top10PercentPowerShare: shares[1],
            excessKurtosis: meanSquare > 0 ? (fourth / values) / (meanSquare * meanSquare) - 3 : 0,
            outlierFraction: values > 0 ? moments.outliers.reduce(0, +) / values : 0,
            negativeFraction: values > 0 ? moments.negatives.reduce(0, +) / values : 0,
            nearZeroFraction: values > 0 ? moments.nearZero.reduce(0, +) / values : 0,
            outlierColumns: outliers, zeroColumns: rms.count - live.count)
    }
}
