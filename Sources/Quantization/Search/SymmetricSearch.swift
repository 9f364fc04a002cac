import Kernels

/// ggml's symmetric scale searches (`make_qx_quants`, `make_q3_quants`), float32 in C's order.
enum SymmetricSearch {
    /// The signed value of largest magnitude (the first one wins ties), or nil — with `levels`
    /// zeroed — when the group is all zero (max |x| < 1e-15).
    @inline(__always)
    private static func signedMaximum(count n: Int, _ x: UnsafePointer<Float>, zeroing levels: UnsafeMutablePointer<Int8>) -> Float? {
        var max: Float = 0
        var amax: Float = 0
        for i in 0..<n {
            let ax = abs(x[i])
            if ax > amax { amax = ax; max = x[i] }
        }
        if amax < 1e-15 {
            for i in 0..<n { levels[i] = 0 }
            return nil
        }
        return max
    }

    /// `make_qx_quants(n, nmax, x, L, rmse_type = 1, weights)`: minimises Σ w (x − s·l)² over
    /// l ∈ [−nmax, nmax−1] and s, trying 19 inverse scales. Stores `l + nmax` in `levels` and
    /// returns s (0 for an all-zero group). `weights == nil` means w = x².
    static func search(
        count n: Int, nmax: Int, _ x: UnsafePointer<Float>, levels: UnsafeMutablePointer<Int8>,
        weights: UnsafePointer<Float>?
    ) -> Float {
        if let weights { return search(count: n, nmax: nmax, x, levels: levels, weights: weights) }
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: n) { squares in
            for i in 0..<n { squares[i] = x[i] * x[i] }
            return search(count: n, nmax: nmax, x, levels: levels, weights: UnsafePointer(squares.baseAddress!))
        }
    }

    /// The weighted search, all 19 trial scales at once (``ScaleTrials``: each lane sums its
    /// terms in the scalar loop's order, so the sums are the C loop's bits); the trials are then
    /// compared in C's order: the first scale (step 0), then steps −9 … 9.
    private static func search(
        count n: Int, nmax: Int, _ x: UnsafePointer<Float>, levels: UnsafeMutablePointer<Int8>,
        weights: UnsafePointer<Float>
    ) -> Float {
        guard let max = signedMaximum(count: n, x, zeroing: levels) else { return 0 }
        let fmax = Float(nmax)
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: 3 &* ScaleTrials.count) { buffer in
            let iscale = buffer.baseAddress!, sumlx = iscale + ScaleTrials.count, suml2 = sumlx + ScaleTrials.count
            // Trial t is step t − 9 (t = 0…18); the spare lanes repeat step 9.
            for t in 0..<ScaleTrials.count { iscale[t] = -(fmax + 0.1 * Float(Swift.min(t, 18) &- 9)) / max }
            ScaleTrials.compute(count: n, nmax: nmax, x: x, weights: weights, iscale: iscale, sumlx: sumlx, suml2: suml2)
            var scale: Float = suml2[9] != 0 ? sumlx[9] / suml2[9] : 0
            var best = scale * sumlx[9]
            var chosen = iscale[9]
            for t in 0..<19 where t != 9 {
                if suml2[t] > 0 && sumlx[t] * sumlx[t] > best * suml2[t] {
                    scale = sumlx[t] / suml2[t]
                    best = scale * sumlx[t]
                    chosen = iscale[t]
                }
            }
            for i in 0..<n {
                let l = Rounding.clamp(Rounding.nearestInt(chosen * x[i]), -nmax, nmax &- 1)
                levels[i] = Int8(truncatingIfNeeded: l &+ nmax)
            }
            return scale
        }
    }

    /// `make_q3_quants(n, nmax, x, L, do_rmse = true)`: Q3_K's reference search with weights x²
    /// and up to five rounds of single-level coordinate descent. Stores `l + nmax`.
    static func searchWithDescent(
        count n: Int, nmax: Int, _ x: UnsafePointer<Float>, levels: UnsafeMutablePointer<Int8>
    ) -> Float {
        guard let max = signedMaximum(count: n, x, zeroing: levels) else { return 0 }
        let iscale = Float(-nmax) / max
        var sumlx: Float = 0
        var suml2: Float = 0
        for i in 0..<n {
            let l = Rounding.clamp(Rounding.nearestInt(iscale * x[i]), -nmax, nmax &- 1)
            levels[i] = Int8(truncatingIfNeeded: l)
            let w = x[i] * x[i]
            sumlx += w * x[i] * Float(l)
            suml2 += w * Float(l) * Float(l)
        }
        for _ in 0..<5 {
            var changed = 0
            for i in 0..<n {
                let w = x[i] * x[i]
                let current = Float(levels[i])
                var slx = sumlx - w * x[i] * current
                if slx > 0 {
                    var sl2 = suml2 - w * current * current
                    let newLevel = Rounding.clamp(Rounding.nearestInt(x[i] * sl2 / slx), -nmax, nmax &- 1)
                    if newLevel != Int(levels[i]) {
                        slx += w * x[i] * Float(newLevel)
                        sl2 += w * Float(newLevel) * Float(newLevel)
                        if sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2 {
                            levels[i] = Int8(truncatingIfNeeded: newLevel)
                            sumlx = slx
                            suml2 = sl2
                            changed &+= 1
                        }
                    }
                }
            }
            if changed == 0 { break }
        }
        for i in 0..<n { levels[i] = Int8(truncatingIfNeeded: Int(levels[i]) &+ nmax) }
        return suml2 > 0 ? sumlx / suml2 : 0
    }
}
