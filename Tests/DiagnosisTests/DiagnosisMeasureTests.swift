import Diagnosis
import Foundation
import IMatrix
import TestSupport
import Testing
import Weighting

/// The diagnosis measures against plain float64 computations written out here.
@Suite struct DiagnosisMeasureTests {
    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-6) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(a), abs(b))
    }

    @Test func weightStructureMatchesPlainComputation() throws {
        let rows = 37, columns = 100   // 100 = 6 groups of 16 and one of 4
        var generator = SeededGenerator(seed: 7)
        var weights = generator.normals(rows * columns, standardDeviation: 0.5)
        for row in 0..<rows { for j in 0..<columns { weights[row * columns + j] += Float(row % 5) * 0.1 + (j % 16 == 0 ? 1.5 : 0) } }
        let measured = weights.withUnsafeBufferPointer { WeightStructure.measure($0, rowCount: rows, rowLength: columns, threads: 2) }

        let values = weights.map(Double.init), n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let central = { (power: Double) in values.reduce(0) { $0 + pow($1 - mean, power) } / n }
        let variance = central(2)
        #expect(Self.close(measured.mean, mean))
        #expect(Self.close(measured.standardDeviation, variance.squareRoot()))
        #expect(Self.close(measured.skewness, central(3) / pow(variance, 1.5), 1e-5))
        #expect(Self.close(measured.excessKurtosis, central(4) / (variance * variance) - 3, 1e-5))
        let sorted = values.sorted()
        #expect(measured.percentiles.min == sorted.first && measured.percentiles.max == sorted.last)
        #expect(measured.percentiles.p50 == sorted[Int((0.5 * (n - 1)).rounded())])
        #expect(measured.percentiles.p99 == sorted[Int((0.99 * (n - 1)).rounded())])

        var rowMeans: [Double] = [], rowDeviations: [Double] = []
        var importance = 0.0, groups = 0.0, without = 0.0, with = 0.0
        for row in 0..<rows {
            let line = Array(values[(row * columns)..<((row + 1) * columns)])
            let m = line.reduce(0, +) / Double(columns)
            rowMeans.append(m)
            rowDeviations.append((line.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(columns)).squareRoot())
            for start in stride(from: 0, to: columns, by: 16) {
                let group = Array(line[start..<min(columns, start + 16)])
                let low = group.min()!, high = group.max()!, largest = group.map(abs).max()!
                importance += abs(group.reduce(0, +) / Double(group.count)) / (high - low)
                groups += 1
                let symmetric = [-1.5, -0.5, 0.5, 1.5].map { $0 * largest / 1.5 }
                let offset = (0...3).map { low + Double($0) * (high - low) / 3 }
                for w in group {
                    without += symmetric.map { (w - $0) * (w - $0) }.min()!
                    with += offset.map { (w - $0) * (w - $0) }.min()!
                }
            }
        }
        let meanOfMeans = rowMeans.reduce(0, +) / Double(rows)
        let spread = (rowMeans.reduce(0) { $0 + ($1 - meanOfMeans) * ($1 - meanOfMeans) } / Double(rows)).squareRoot()
        #expect(Self.close(measured.rowMeanSpread, spread / variance.squareRoot()))
        let deviationMean = rowDeviations.reduce(0, +) / Double(rows)
        let deviationCV = (rowDeviations.reduce(0) { $0 + ($1 - deviationMean) * ($1 - deviationMean) } / Double(rows)).squareRoot() / deviationMean
        #expect(Self.close(measured.rowDeviationCV, deviationCV))
        #expect(Self.close(measured.groupOffsetImportance, importance / groups, 1e-5))
        let rms = (values.reduce(0) { $0 + $1 * $1 } / n).squareRoot()
        #expect(Self.close(measured.twoBitErrorWithoutOffset, (without / n).squareRoot() / rms, 1e-4))
        #expect(Self.close(measured.twoBitErrorWithOffset, (with / n).squareRoot() / rms, 1e-4))
        #expect(measured.twoBitErrorWithOffset < measured.twoBitErrorWithoutOffset)
    }

    @Test func columnMomentsMatchPlainSums() {
        let columns = 70
        var generator = SeededGenerator(seed: 3)
        var moments = ColumnMoments(columns: columns)
        var all: [[Double]] = []
        var squares = 0.0, count = 0.0
        var outliers = [Double](repeating: 0, count: columns), nearZero = outliers
        for batch in [5, 64, 17] {
            var rows = generator.normals(batch * columns, standardDeviation: 1)
            rows[3] = 40   // an outlier in column 3 of the batch's first row
            rows[columns + 4] = 0
            for value in rows { squares += Double(value) * Double(value) }
            count += Double(rows.count)
            let sigma = (squares / count).squareRoot()
            for (index, value) in rows.enumerated() {
                if abs(Double(value)) > 6 * sigma { outliers[index % columns] += 1 }
                if abs(Double(value)) < 0.01 * sigma { nearZero[index % columns] += 1 }
            }
            rows.withUnsafeBufferPointer { moments.add($0.baseAddress!, rows: batch, sigma: sigma, threads: 2) }
            for row in 0..<batch { all.append(rows[(row * columns)..<((row + 1) * columns)].map(Double.init)) }
        }
        #expect(moments.rows == Double(all.count))
        for j in 0..<columns {
            let column = all.map { $0[j] }
            #expect(Self.close(moments.sum[j], column.reduce(0, +), 1e-12))
            #expect(Self.close(moments.sumAbs[j], column.map(abs).reduce(0, +), 1e-12))
            #expect(Self.close(moments.sumSquares[j], column.map { $0 * $0 }.reduce(0, +), 1e-12))
            #expect(Self.close(moments.sumFourth[j], column.map { $0 * $0 * $0 * $0 }.reduce(0, +), 1e-12))
            #expect(moments.maxAbs[j] == column.map(abs).max())
            #expect(moments.negatives[j] == Double(column.filter { $0 < 0 }.count))
        }
        #expect(moments.outliers == outliers)
        #expect(moments.nearZero == nearZero)
        #expect(moments.outliers[3] >= 3)
    }

    @Test func activationStructureOfKnownColumns() {
        // Column j holds ±c_j alternately: RMS c_j, mean zero, half negative.
        let columns = 100, rows = 8
        let scales = (0..<columns).map { $0 == 42 ? 20.0 : ($0 == 7 ? 5.0 : 1.0) }
        var input = [Float](repeating: 0, count: rows * columns)
        for row in 0..<rows { for j in 0..<columns { input[row * columns + j] = Float(row % 2 == 0 ? scales[j] : -scales[j]) } }
        var moments = ColumnMoments(columns: columns)
        input.withUnsafeBufferPointer { moments.add($0.baseAddress!, rows: rows, sigma: 1, threads: 1) }
        let structure = ActivationStructure.measure(moments)
        let power = scales.map { $0 * $0 }, total = power.reduce(0, +)
        #expect(Self.close(structure.top1PercentPowerShare, 400 / total))
        #expect(Self.close(structure.top10PercentPowerShare, (400 + 25 + 8) / total))
        #expect(structure.outlierColumns == [42])   // 5 is below 6 × the median RMS 1
        #expect(structure.negativeFraction == 0.5)
        #expect(Self.close(structure.rmsMaxOverMin, 20))
        let fourth = scales.map { pow($0, 4) }.reduce(0, +) / Double(columns), second = total / Double(columns)
        #expect(Self.close(structure.excessKurtosis, fourth / (second * second) - 3))
    }

    @Test func zeroColumnsAreCountedNotDividedBy() {
        var moments = ColumnMoments(columns: 4)
        let input: [Float] = [0, 1, 2, -4, 0, -1, 2, 4]
        input.withUnsafeBufferPointer { moments.add($0.baseAddress!, rows: 2, sigma: 1, threads: 1) }
        let structure = ActivationStructure.measure(moments)
        #expect(structure.zeroColumns == 1)
        #expect(structure.rmsMaxOverMin == 4)
    }

    @Test func groupRoundingOnKnownValues() {
        let values: [Float] = [0, 1, 2, 3, 0, 0.4, 0.6, 1, 5, 5]
        var output = [Float](repeating: -1, count: values.count)
        values.withUnsafeBufferPointer { v in
            output.withUnsafeMutableBufferPointer { o in
                GroupRounding(bits: 2, groupSize: 4).apply(v.baseAddress!, rowCount: 1, rowLength: 10, into: o.baseAddress!, threads: 1)
            }
        }
        // Group 1 fits the 4 levels exactly; group 2 has levels 0, 1/3, 2/3, 1; group 3 is constant.
        #expect(Array(output[0..<4]) == [0, 1, 2, 3])
        #expect(abs(output[5] - 1.0 / 3) < 1e-6 && abs(output[6] - 2.0 / 3) < 1e-6 && output[7] == 1)
        #expect(Array(output[8...]) == [5, 5])
    }

    @Test func rankingHelpers() {
        #expect(ColumnRanking.pearson([1, 2, 3, 4], [2, 4, 6, 8]) == 1)
        #expect(abs(ColumnRanking.pearson([1, 2, 3], [3, 2, 1]) + 1) < 1e-12)
        #expect(abs(ColumnRanking.spearman([1, 2, 3, 4], [1, 8, 27, 64]) - 1) < 1e-12)
        #expect(ColumnRanking.topShare([1, 1, 1, 97], fraction: 0.25) == 0.97)
        #expect(ColumnRanking.largest([3, 9, 9, 1], count: 2) == [1, 2])
        #expect(ColumnRanking.median([5, 1, 3, 2]) == 2.5)
    }

    @Test func scaleSearchMatchesPlainOutputError() {
        let rows = 12, columns = 64, samples = 20
        var generator = SeededGenerator(seed: 11)
        let weights = generator.normals(rows * columns, standardDeviation: 1)
        var inputs = generator.normals(samples * columns, standardDeviation: 1)
        for s in 0..<samples { inputs[s * columns + 5] *= 12 }
        let meanAbs = (0..<columns).map { j in (0..<samples).map { abs(Double(inputs[$0 * columns + j])) }.reduce(0, +) / Double(samples) }
        let rounding = GroupRounding(bits: 3, groupSize: 32)
        let sums = weights.withUnsafeBufferPointer {
            ScaleSearch.sums(weights: $0.baseAddress!, rowCount: rows, meanAbs: meanAbs,
                             probe: OutputErrorProbe(inputs: inputs, columns: columns), rounding: rounding, threads: 2)
        }
        for (index, alpha) in ScaleSearch.alphaGrid.enumerated() where [0, 10, 20].contains(index) {
            // Plain: scale, round each group of 32 to 8 levels, unscale, and take ‖(W − Ŵ)Xᵀ‖².
            var scales = meanAbs.map { pow(max($0, 1e-4), alpha) }
            let normaliser = (scales.max()! * scales.min()!).squareRoot()
            scales = scales.map { $0 / normaliser }
            var error = 0.0, reference = 0.0
            var reconstructed = [Double](repeating: 0, count: rows * columns)
            for row in 0..<rows {
                for start in stride(from: 0, to: columns, by: 32) {
                    let group = (start..<(start + 32)).map { Double(Float(Double(weights[row * columns + $0]) * scales[$0])) }
                    let low = group.min()!, step = (group.max()! - low) / 7
                    for (offset, value) in group.enumerated() {
                        let q = min(7, max(0, ((value - low) / step).rounded()))
                        reconstructed[row * columns + start + offset] = (low + q * step) / scales[start + offset]
                    }
                }
            }
            for s in 0..<samples {
                for row in 0..<rows {
                    var exact = 0.0, approximate = 0.0
                    for j in 0..<columns {
                        exact += Double(weights[row * columns + j]) * Double(inputs[s * columns + j])
                        approximate += reconstructed[row * columns + j] * Double(inputs[s * columns + j])
                    }
                    error += (exact - approximate) * (exact - approximate)
                    reference += exact * exact
                }
            }
            #expect(Self.close(sums.errors[index], error, 2e-3), "α \(alpha): \(sums.errors[index]) vs \(error)")
            #expect(Self.close(sums.reference, reference, 1e-5))
        }
        let result = ScaleSearch.result(bits: 3, sums: sums)
        #expect(result.bestAlpha > 0 && result.reduction > 1)
    }

    @Test func reservoirKeepsRealRowsDeterministically() {
        let columns = 3
        let stream = (0..<3000).flatMap { row in [Float(row), Float(row) + 0.5, -Float(row)] }
        func sample(seed: UInt64, capacity: Int) -> RowReservoir {
            var reservoir = RowReservoir(capacity: capacity, columns: columns, seed: seed)
            stream.withUnsafeBufferPointer { s in
                for batch in 0..<3 { reservoir.offer(s.baseAddress! + batch * 1000 * columns, rows: 1000, expert: batch) }
            }
            return reservoir
        }
        let kept = sample(seed: 1, capacity: 300)
        #expect(kept.count == 300 && kept.seen == 3000)
        for index in 0..<kept.count {
            let row = kept.values[index * columns]
            #expect(kept.values[index * columns + 1] == row + 0.5 && kept.values[index * columns + 2] == -row)
            #expect(Int(kept.experts[index]) == Int(row) / 1000)
        }
        #expect(kept.values == sample(seed: 1, capacity: 300).values)
        #expect(kept.values != sample(seed: 2, capacity: 300).values)
        // Uniform over the stream: about a third from each batch.
        for expert in 0..<3 { #expect(abs(kept.rows(of: expert).count / columns - 100) < 30) }
        #expect(sample(seed: 1, capacity: 5000).values == stream)
    }
}
