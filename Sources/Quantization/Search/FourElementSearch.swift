import GGUF

/// The scale scan and re-snap shared by IQ3_XXS and IQ3_S: a 32-element block as eight
/// 4-element groups on a 3-bit lattice (levels 0…7 standing for 1, 3, …, 15).
enum FourElementSearch {
    private static let maxLevel = 8   // kMaxQ

    /// Tries inverse scales `(15 + 0.2·step)/max`, snaps off-grid groups to their best
    /// neighbour, keeps the candidate with the largest `sumqx²/sumq2` (levels in `best`), then
    /// re-snaps at the winning scale — every group (`resnapAll`, IQ3_S) or only the off-grid
    /// ones (IQ3_XXS) — and refits the scale. `initiallyOnGrid` is ggml's start value of the
    /// on-grid flags (IQ3_XXS: true, IQ3_S: false).
    static func search(
        table: LatticeTable, xval: UnsafePointer<Float>, waux: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        max: Float, steps: ClosedRange<Int>, initiallyOnGrid: Bool, resnapAll: Bool,
        best: UnsafeMutablePointer<Int8>, trial: UnsafeMutablePointer<Int8>
    ) -> Float {
        var bestScore: Float = 0
        var scale = max / Float(2 &* maxLevel &- 1)
        var onGrid: UInt8 = initiallyOnGrid ? 0xFF : 0   // bit k: group k of the accepted candidate is on the grid
        for step in steps {
            let id = (Float(2 &* maxLevel &- 1) + Float(step) * 0.2) / max
            let trialScale = 1 / id
            var trialOnGrid: UInt8 = 0
            for k in 0..<8 {
                LatticeQuantizers.levels(xval + 4 &* k, inverseScale: id, into: trial + 4 &* k, count: 4, top: maxLevel &- 1)
                let pattern = table.pattern(trial + 4 &* k)
                if table.map[pattern] < 0 {
                    _ = table.bestNeighbour(of: pattern, xval + 4 &* k, waux + 4 &* k, scale: trialScale, levels: trial + 4 &* k)
                } else {
                    trialOnGrid |= UInt8(1) << UInt8(k)
                }
            }
            let (sumqx, sumq2) = LatticeQuantizers.sums(32, weights, xval, trial)
            if sumq2 > 0 && sumqx * sumqx > bestScore * sumq2 {
                scale = sumqx / sumq2
                bestScore = scale * sumqx
                for i in 0..<32 { best[i] = trial[i] }
                onGrid = trialOnGrid
            }
        }
        if onGrid != 0xFF && scale > 0 {
            let id = 1 / scale
            for k in 0..<8 where resnapAll || onGrid & (UInt8(1) << UInt8(k)) == 0 {
                LatticeQuantizers.levels(xval + 4 &* k, inverseScale: id, into: trial, count: 4, top: maxLevel &- 1)
                let pattern = table.pattern(trial)
                var index = Int(table.map[pattern])
                if index < 0 {
                    index = table.bestNeighbour(of: pattern, xval + 4 &* k, waux + 4 &* k, scale: scale, levels: best + 4 &* k)
                }
                table.copyLevels(of: index, into: best + 4 &* k)
            }
            let (sumqx, sumq2) = LatticeQuantizers.sums(32, weights, xval, best)
            if sumq2 > 0 { scale = sumqx / sumq2 }
        }
        return scale
    }
}
