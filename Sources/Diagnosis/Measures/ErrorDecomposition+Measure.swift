extension ErrorDecomposition {
    /// Columns per super-block (ggml's k-quant block).
    public static let superBlockColumns = 256

    /// The decomposition of `errors` (from a `bits`-bit ``GroupRounding``) against the input's
    /// per-column mean of x².
    public static func measure(errors: ColumnErrors, meanSquares: [Double], bits: Int, groupSize: Int) -> ErrorDecomposition {
        precondition(errors.squaredError.count == meanSquares.count)
        let columns = meanSquares.count
        var contribution = [Double](repeating: 0, count: columns)
        var signal = 0.0
        for j in 0..<columns {
            contribution[j] = meanSquares[j] * errors.squaredError[j]
            signal += meanSquares[j] * errors.squaredWeight[j]
        }
        let total = contribution.reduce(0, +)
        let rms = meanSquares.map { $0.squareRoot() }
        let weightRMSE = errors.squaredError.map { ($0 / Double(max(1, errors.rows))).squareRoot() }
        var blocks: [Double] = []
        var start = 0
        while start < columns {
            let end = min(columns, start + superBlockColumns)
            blocks.append(total > 0 ? contribution[start..<end].reduce(0, +) / total : 0)
            start = end
        }
        return ErrorDecomposition(
            bits: bits, groupSize: groupSize,
            correlation: ColumnRanking.pearson(rms, weightRMSE),
            rankCorrelation: ColumnRanking.spearman(rms, weightRMSE),
            topShares: ColumnRanking.topShares(contribution, fractions: topFractions),
            superBlockShares: blocks,
            relativeError: signal > 0 ? (total / signal).squareRoot() : 0)
    }
}
