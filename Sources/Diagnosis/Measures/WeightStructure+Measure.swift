import Kernels

extension WeightStructure {
    /// Above this many elements, percentiles come from an evenly strided subsample of this size.
    public static let percentileSampleLimit = 4_000_000
    /// Elements per group for the offset measures (ggml's Q2_K sub-block).
    public static let groupSize = 16

    /// Measures `rowCount × rowLength` weights (expert stacks: all experts' rows).
    public static func measure(_ weights: UnsafeBufferPointer<Float>, rowCount: Int, rowLength: Int,
                               threads: Int = Parallel.processorCount) -> WeightStructure {
        precondition(weights.count == rowCount * rowLength && rowCount > 0 && rowLength > 0)
        let base = weights.baseAddress!
        var rowMeans = [Double](repeating: 0, count: rowCount)
        var rowDeviations = [Double](repeating: 0, count: rowCount)
        // Per row: Σw, Σw², Σw³, Σw⁴, then groups: Σ|mean|/range, Σ err² without / with offset.
        var rowSums = [Double](repeating: 0, count: rowCount * 7)
        rowSums.withUnsafeMutableBufferPointer { sums in
            let sums = sums.baseAddress!
            Parallel.forEachRange(count: rowCount, threads: threads, grain: 8) { range in
                for row in range {
                    let line = base + row &* rowLength
                    var s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0
                    for j in 0..<rowLength {
                        let w = Double(line[j]), w2 = w * w
                        s1 += w; s2 += w2; s3 += w2 * w; s4 += w2 * w2
                    }
                    let groups = Self.groupErrors(line, count: rowLength)
                    let out = sums + row &* 7
                    out[0] = s1; out[1] = s2; out[2] = s3; out[3] = s4
                    out[4] = groups.offsetImportance; out[5] = groups.withoutOffset; out[6] = groups.withOffset
                }
            }
        }
        var s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, offset = 0.0, without = 0.0, with = 0.0
        let n = Double(rowLength)
        for row in 0..<rowCount {
            let r = row * 7
            s1 += rowSums[r]; s2 += rowSums[r + 1]; s3 += rowSums[r + 2]; s4 += rowSums[r + 3]
            offset += rowSums[r + 4]; without += rowSums[r + 5]; with += rowSums[r + 6]
            let mean = rowSums[r] / n
            rowMeans[row] = mean
            rowDeviations[row] = max(0, rowSums[r + 1] / n - mean * mean).squareRoot()
        }
        let count = Double(weights.count)
        let mean = s1 / count
        let m2 = s2 / count, m3 = s3 / count, m4 = s4 / count
        let variance = max(0, m2 - mean * mean)
        let deviation = variance.squareRoot()
        // Central moments from raw moments.
        let central3 = m3 - 3 * mean * m2 + 2 * mean * mean * mean
        let central4 = m4 - 4 * mean * m3 + 6 * mean * mean * m2 - 3 * mean * mean * mean * mean
        let rms = m2.squareRoot()
        let groupsPerRow = Double((rowLength + groupSize - 1) / groupSize)
        let meanOfRowMeans = rowMeans.reduce(0, +) / Double(rowCount)
        let rowMeanDeviation = (rowMeans.reduce(0) { $0 + ($1 - meanOfRowMeans) * ($1 - meanOfRowMeans) } / Double(rowCount)).squareRoot()
        return WeightStructure(
            mean: mean, standardDeviation: deviation,
            skewness: variance > 0 ? central3 / (variance * deviation) : 0,
            excessKurtosis: variance > 0 ? central4 / (variance * variance) - 3 : 0,
            percentiles: percentiles(weights),
            rowMeanSpread: deviation > 0 ? rowMeanDeviation / deviation : 0,
            rowDeviationCV: ColumnRanking.coefficientOfVariation(rowDeviations),
            groupOffsetImportance: offset / (groupsPerRow * Double(rowCount)),
            twoBitErrorWithoutOffset: rms > 0 ? (without / count).squareRoot() / rms : 0,
            twoBitErrorWithOffset: rms > 0 ? (with / count).squareRoot() / rms : 0)
    }

    /// One row's 16-element groups: Σ |mean|/range, and the squared errors of 2-bit rounding on
    /// a grid symmetric around zero (d·{−1.5, −0.5, 0.5, 1.5}, d = max|w|/1.5) and with an offset
    /// (min + d·q, q ∈ 0…3, d = range/3).
    static func groupErrors(_ line: UnsafePointer<Float>, count: Int) -> (offsetImportance: Double, withoutOffset: Double, withOffset: Double) {
        var importance = 0.0, without = 0.0, with = 0.0
        var start = 0
        while start < count {
            let end = min(count, start &+ groupSize)
            var low = line[start], high = line[start], sum: Float = 0, largest: Float = 0
            for j in start..<end {
                let w = line[j]
                low = min(low, w); high = max(high, w); sum += w; largest = max(largest, abs(w))
            }
            let range = high - low
            if range > 0 { importance += Double(abs(sum / Float(end - start)) / range) }
            let symmetricStep = largest / 1.5, offsetStep = range / 3
            for j in start..<end {
                let w = line[j]
                if symmetricStep > 0 {
                    let level = min(1.5, max(-1.5, (w / symmetricStep).rounded(.down) + 0.5))
                    let e = Double(w - level * symmetricStep)
                    without += e * e
                }
                if offsetStep > 0 {
                    let q = min(3, max(0, ((w - low) / offsetStep).rounded()))
                    let e = Double(w - (low + q * offsetStep))
                    with += e * e
                }
            }
            start = end
        }
        return (importance, without, with)
    }

    /// Quantiles by nearest rank over all values, or an evenly strided subsample of large tensors.
    static func percentiles(_ weights: UnsafeBufferPointer<Float>) -> Percentiles {
        let stride = max(1, weights.count / percentileSampleLimit)
        var sample: [Float] = []
        sample.reserveCapacity(weights.count / stride + 1)
        var index = 0
        while index < weights.count {
            sample.append(weights[index])
            index += stride
        }
        sample.sort()
        func at(_ q: Double) -> Double {
            Double(sample[min(sample.count - 1, max(0, Int((q * Double(sample.count - 1)).rounded()))) ])
        }
        return Percentiles(min: Double(sample.first!), p1: at(0.01), p5: at(0.05), p25: at(0.25), p50: at(0.5),
                           p75: at(0.75), p95: at(0.95), p99: at(0.99), max: Double(sample.last!))
    }
}
