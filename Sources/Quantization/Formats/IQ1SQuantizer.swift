import GGUF
import Kernels

/// IQ1_S (50-byte super-blocks: d, qs[32], qh[8] u16) on ggml's 2048-point ternary lattice,
/// byte-identical with ggml's `quantize_iq1_s`: per 32-block an exhaustive search of the two
/// thresholds that split the sorted values into the levels {−1±δ, ±δ, 1±δ}, then a snap to the
/// grid. Values are sorted by (value, index), which is what glibc's stable qsort gives.
enum IQ1SQuantizer {
    static let delta: Float = 0.125
    static let plus: (Float, Float, Float) = (-1 + delta, delta, 1 + delta)
    static let minus: (Float, Float, Float) = (-1 - delta, -delta, 1 - delta)

    static func quantize(_ row: RowContext, into out: UnsafeMutablePointer<UInt8>) {
        let table = LatticeTable.iq1s
        let s = row.scratch
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * 33 + 8) { floats in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 32 + 4) { ints in
                let sumX = floats.baseAddress!, sumW = sumX + 33, scales = sumX + 66
                let order = ints.baseAddress!, index = order + 32
                let levels = s.signedLevels
                var shifts = [Int](repeating: 1, count: 8)
                row.forEachBlock(bytes: 50, into: out) { start, _, y in
                    for i in 0..<50 { y[i] = 0 }
                    var maxScale: Float = 0
                    let sigma2 = 2 * row.sumOfSquares(from: start, length: 256) / 256
                    for ib in 0..<8 {
                        let xb = row.x + (start &+ 32 &* ib)
                        LatticeQuantizers.weigh(row, from: start &+ 32 &* ib, length: 32, type: .iq1_S, sigma2: sigma2)
                        let weights = s.weights
                        var max = abs(xb[0])
                        for i in 1..<32 { max = max > abs(xb[i]) ? max : abs(xb[i]) }
                        scales[ib] = 0
                        shifts[ib] = 1
                        if max < 1e-12 { continue }
                        sortedOrder(xb, count: 32, into: order)
                        sumX[0] = 0
                        sumW[0] = 0
                        for j in 0..<32 {
                            let i = order[j]
                            sumX[j &+ 1] = sumX[j] + weights[i] * xb[i]
                            sumW[j &+ 1] = sumW[j] + weights[i]
                        }
                        var bestScore = -Float.greatestFiniteMagnitude
                        var scale = max
                        var best1 = -1, best2 = -1, bestShift = 0
                        for i1 in 0...32 {
                            for i2 in i1...32 {
                                let a = sumX[i1] - sumX[0], b = sumX[i2] - sumX[i1], c = sumX[32] - sumX[i2]
                                let wa = sumW[i1] - sumW[0], wb = sumW[i2] - sumW[i1], wc = sumW[32] - sumW[i2]
                                var sumqx = a * plus.0 + b * plus.1 + c * plus.2
                                var sumq2 = wa * plus.0 * plus.0 + wb * plus.1 * plus.1 + wc * plus.2 * plus.2
                                if sumq2 > 0 && sumqx * sumqx > bestScore * sumq2 {
                                    scale = sumqx / sumq2
                                    bestScore = scale * sumqx
                                    best1 = i1; best2 = i2; bestShift = 1
                                }
                                sumqx = a * minus.0 + b * minus.1 + c * minus.2
                                sumq2 = wa * minus.0 * minus.0 + wb * minus.1 * minus.1 + wc * minus.2 * minus.2
                                if sumq2 > 0 && sumqx * sumqx > bestScore * sumq2 {
                                    scale = sumqx / sumq2
                                    bestScore = scale * sumqx
                                    best1 = i1; best2 = i2; bestShift = -1
                                }
                            }
                        }
                        if best1 < 0 || best2 < 0 || bestShift == 0 { continue }
                        for j in 0..<32 { levels[order[j]] = j < best1 ? 0 : (j < best2 ? 1 : 2) }
                        if scale < 0 {
                            for j in 0..<32 { levels[j] = 2 &- levels[j] }
                            scale = -scale
                            bestShift = -bestShift
                        }
                        let values = bestShift == 1 ? plus : minus
                        func value(_ level: Int8) -> Float { level == 0 ? values.0 : (level == 1 ? values.1 : values.2) }
                        var allOnGrid = true
                        for k in 0..<4 {
                            let pattern = table.pattern(levels + 8 &* k)
                            var gridIndex = Int(table.map[pattern])
                            if gridIndex < 0 {
                                allOnGrid = false
                                gridIndex = nearestByValue(table, pattern, xb + 8 &* k, weights + 8 &* k, scale: scale,
                                                           value: value, levels: levels + 8 &* k)
                            }
                            index[k] = gridIndex
                        }
                        if !allOnGrid {
                            var sumqx: Float = 0
                            var sumq2: Float = 0
                            for k in 0..<4 {
                                for j in 0..<8 {
                                    let w = weights[8 &* k &+ j]
                                    let q = value((table.points[8 &* index[k] &+ j] &- 1) / 2)
                                    sumqx += w * q * xb[8 &* k &+ j]
                                    sumq2 += w * q * q
                                }
                            }
                            if sumqx > 0 && sumq2 > 0 { scale = sumqx / sumq2 }
                        }
                        var high: UInt16 = 0
                        for k in 0..<4 {
                            y[2 &+ 4 &* ib &+ k] = UInt8(truncatingIfNeeded: index[k])
                            high |= UInt16(truncatingIfNeeded: index[k] >> 8) << UInt16(3 &* k)
                        }
                        y.storeHalf(high, at: 34 &+ 2 &* ib)
                        scales[ib] = scale
                        shifts[ib] = bestShift
                        maxScale = maxScale > scale ? maxScale : scale
                    }
                    guard let id = LatticeQuantizers.storeSuperScale(maxScale, divisor: 15, factor: 1.125, into: y, zeroing: 0..<0) else { return }
                    for ib in 0..<8 {
                        var l = LatticeQuantizers.blockScaleLevel(scales[ib], inverse: id, top: 7)
                        if shifts[ib] == -1 { l |= 8 }
                        let at = 34 &+ 2 &* ib
                        let high = (UInt16(y[at]) | (UInt16(y[at &+ 1]) << 8)) | UInt16(l << 12)
                        y.storeHalf(high, at: at)
                    }
                }
            }
        }
    }

    /// The indices of `x[0..<count]` sorted by (value, index): what glibc's stable qsort of
    /// (value, index) pairs comparing values gives.
    static func sortedOrder(_ x: UnsafePointer<Float>, count: Int, into order: UnsafeMutablePointer<Int>) {
        for j in 0..<count { order[j] = j }
        for j in 1..<count {
            let key = order[j]
            var m = j
            while m > 0 && x[order[m &- 1]] > x[key] {
                order[m] = order[m &- 1]
                m &-= 1
            }
            order[m] = key
        }
    }

    /// `iq1_find_best_neighbour2`: the neighbour of `pattern` nearest to `x` with the shifted
    /// ternary values at `scale`, weighted L2, first wins ties; writes its levels.
    static func nearestByValue(
        _ table: LatticeTable, _ pattern: Int, _ x: UnsafePointer<Float>, _ weights: UnsafePointer<Float>,
        scale: Float, value: (Int8) -> Float, levels: UnsafeMutablePointer<Int8>
    ) -> Int {
        var best = Float.greatestFiniteMagnitude
        var bestIndex = -1
        for n in Int(table.neighbourStart[pattern])..<Int(table.neighbourEnd[pattern]) {
            let candidate = Int(table.neighbours[n])
            var d2: Float = 0
            for i in 0..<8 {
                let q = value((table.points[8 &* candidate &+ i] &- 1) / 2)
                let diff = scale * q - x[i]
                d2 += weights[i] * diff * diff
            }
            if d2 < best {
                best = d2
                bestIndex = candidate
            }
        }
        precondition(bestIndex >= 0, "IQ1_S: no grid point found")
        table.copyLevels(of: bestIndex, into: levels)
        return bestIndex
    }
}
