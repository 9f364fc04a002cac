/// ggml's "scale + min" searches (`make_qkx2_quants` / `make_qkx3_quants`) and the unsigned
/// scale-of-scales search (`make_qp_quants`), float32 in C's order.
enum AffineSearch {
    /// Parameters of one `make_qkx*_quants` call site.
    struct Scan {
        var rmin: Float
        var rdelta: Float
        var steps: Int
        var meanAbsoluteError: Bool

        /// Every importance path of the type-1 quants (Q2_K, Q4_K, Q5_K, Q4_1, Q5_1).
        static let weighted = Scan(rmin: -0.9, rdelta: 0.05, steps: 36, meanAbsoluteError: false)
    }

    /// Fits x ≈ s·l + m (m ≤ 0) with l ∈ [0, nmax]; stores l in `levels`, returns s and sets
    /// `negatedMin` to −m. `scratch` holds `2n` bytes.
    static func search(
        count n: Int, nmax: Int, _ x: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        levels: UnsafeMutablePointer<UInt8>, negatedMin: inout Float, scratch: UnsafeMutablePointer<UInt8>,
        scan: Scan
    ) -> Float {
        var min = x[0]
        var max = x[0]
        var sumW = weights[0]
        var sumX = sumW * x[0]
        for i in 1..<n {
            if x[i] < min { min = x[i] }
            if x[i] > max { max = x[i] }
            let w = weights[i]
            sumW += w
            sumX += w * x[i]
        }
        if min > 0 { min = 0 }
        if max <= min {
            for i in 0..<n { levels[i] = 0 }
            negatedMin = -min
            return 0
        }
        let fmax = Float(nmax)
        var iscale = fmax / (max - min)
        var scale = 1 / iscale
        var bestError: Float = 0
        for i in 0..<n {
            let l = Rounding.clamp(Rounding.nearestInt(iscale * (x[i] - min)), 0, nmax)
            levels[i] = UInt8(truncatingIfNeeded: l)
            var diff = scale * Float(l) + min - x[i]
            diff = scan.meanAbsoluteError ? abs(diff) : diff * diff
            bestError += weights[i] * diff
        }
        if scan.steps < 1 {
            negatedMin = -min
            return scale
        }
        // A candidate whose levels equal the previous candidate's has the same sums and error,
        // so it cannot change the outcome (equal errors are not accepted): it is skipped.
        let previous = scratch + n
        var havePrevious = false
        for step in 0...scan.steps {
            iscale = (scan.rmin + scan.rdelta * Float(step) + fmax) / (max - min)
            var changed: UInt8 = 0
            for i in 0..<n {
                let l = UInt8(truncatingIfNeeded: Rounding.clamp(Rounding.nearestInt(iscale * (x[i] - min)), 0, nmax))
                scratch[i] = l
                changed |= l ^ previous[i]
            }
            if havePrevious && changed == 0 { continue }
            for i in 0..<n { previous[i] = scratch[i] }
            havePrevious = true
            var sumL: Float = 0
            var sumL2: Float = 0
            var sumXL: Float = 0
            for i in 0..<n {
                let w = weights[i]
                let fl = Float(scratch[i])
                sumL += w * fl
                sumL2 += w * fl * fl
                sumXL += w * fl * x[i]
            }
            let determinant = sumW * sumL2 - sumL * sumL
            if determinant > 0 {
                var thisScale = (sumW * sumXL - sumX * sumL) / determinant
                var thisMin = (sumL2 * sumX - sumL * sumXL) / determinant
                if thisMin > 0 {
                    thisMin = 0
                    thisScale = sumXL / sumL2
                }
                var error: Float = 0
                for i in 0..<n {
                    var diff = thisScale * Float(scratch[i]) + thisMin - x[i]
                    diff = scan.meanAbsoluteError ? abs(diff) : diff * diff
                    error += weights[i] * diff
                }
                if error < bestError {
                    for i in 0..<n { levels[i] = scratch[i] }
                    bestError = error
                    scale = thisScale
                    min = thisMin
                }
            }
        }
        negatedMin = -min
        return scale
    }

    /// `make_qp_quants(n, nmax, x, L, weights)`: quantizes non-negative values (sub-block scales
    /// or mins) to [0, nmax] with weighted least squares; returns the scale.
    static func scaleOfScales(
        count n: Int, nmax: Int, _ x: UnsafePointer<Float>, levels: UnsafeMutablePointer<UInt8>,
        weights: UnsafePointer<Float>
    ) -> Float {
        var max: Float = 0
        for i in 0..<n { max = max > x[i] ? max : x[i] }
        if max < 1e-15 {
            for i in 0..<n { levels[i] = 0 }
            return 0
        }
        let fmax = Float(nmax)
        var iscale = fmax / max
        for i in 0..<n { levels[i] = UInt8(truncatingIfNeeded: Rounding.nearestInt(iscale * x[i])) }
        let scale = 1 / iscale
        var bestError: Float = 0
        for i in 0..<n {
            let diff = x[i] - scale * Float(levels[i])
            bestError += weights[i] * diff * diff
        }
        for step in -4...4 where step != 0 {
            let trialInverse = (0.1 * Float(step) + fmax) / max
            let trialScale = 1 / trialInverse
            var error: Float = 0
            for i in 0..<n {
                let l = Swift.min(nmax, Rounding.nearestInt(trialInverse * x[i]))
                let diff = x[i] - trialScale * Float(l)
                error += weights[i] * diff * diff
            }
            if error < bestError {
                bestError = error
                iscale = trialInverse
            }
        }
        var sumlx: Float = 0
        var suml2: Float = 0
        for i in 0..<n {
            let l = Swift.min(nmax, Rounding.nearestInt(iscale * x[i]))
            levels[i] = UInt8(truncatingIfNeeded: l)
            let w = weights[i]
            let fl = Float(l)          // the int, not the stored byte (they differ when x < 0)
            sumlx += w * x[i] * fl
            suml2 += w * fl * fl
        }
        for _ in 0..<5 {
            var changed = 0
            for i in 0..<n {
                let w = weights[i]
                let current = Float(levels[i])
                var slx = sumlx - w * x[i] * current
                var sl2 = suml2 - w * current * current
                if slx > 0 && sl2 > 0 {
                    let newLevel = Swift.min(nmax, Rounding.nearestInt(x[i] * sl2 / slx))
                    if newLevel != Int(levels[i]) {
                        slx += w * x[i] * Float(newLevel)
                        sl2 += w * Float(newLevel) * Float(newLevel)
                        if slx * slx * suml2 > sumlx * sumlx * sl2 {
                            levels[i] = UInt8(truncatingIfNeeded: newLevel)
                            sumlx = slx
                            suml2 = sl2
                            changed &+= 1
                        }
                    }
                }
            }
            if changed == 0 { break }
        }
        return suml2 > 0 ? sumlx / suml2 : 0
    }
}
