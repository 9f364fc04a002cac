import GGUF
import Kernels

/// Q4_K (144-byte super-blocks: d, dmin, scales[12], qs[128]) and Q5_K (176 bytes: d, dmin,
/// scales[12], qh[32], qs[128]): eight 32-element sub-blocks with 6-bit scales and mins.
enum FourFiveBitQuantizers {
    static func quantize(_ row: RowContext, bits: Int, into out: UnsafeMutablePointer<UInt8>) {
        let s = row.scratch
        let levels = s.levels
        let nmax = (1 << bits) &- 1
        let type: GGMLType = bits == 4 ? .q4_K : .q5_K
        let blockBytes = bits == 4 ? 144 : 176
        row.forEachBlock(bytes: blockBytes, into: out) { start, x, y in
            let scaleBytes = y + 4
            for j in 0..<12 { scaleBytes[j] = 0 }
            switch row.mode {
            case .reference:
                var maxScale: Float = 0
                var maxMin: Float = 0
                let scan: AffineSearch.Scan = bits == 4
                    ? .init(rmin: -1, rdelta: 0.1, steps: 20, meanAbsoluteError: false)
                    : .init(rmin: -0.5, rdelta: 0.1, steps: 15, meanAbsoluteError: false)
                for j in 0..<8 {
                    let averageMagnitude = (row.sumOfSquares(from: start &+ 32 &* j, length: 32) / 32).squareRoot()
                    for l in 0..<32 { s.weights[l] = averageMagnitude + abs(x[32 &* j &+ l]) }
                    s.scales[j] = AffineSearch.search(
                        count: 32, nmax: nmax, x + 32 &* j, weights: s.weights, levels: levels + 32 &* j,
                        negatedMin: &s.mins[j], scratch: s.auxiliary, scan: scan)
                    if s.scales[j] > maxScale { maxScale = s.scales[j] }
                    if s.mins[j] > maxMin { maxMin = s.mins[j] }
                }
                let inverseScale: Float = maxScale > 0 ? 63 / maxScale : 0
                let inverseMin: Float = maxMin > 0 ? 63 / maxMin : 0
                for j in 0..<8 {
                    let ls = UInt8(truncatingIfNeeded: Rounding.nearestInt(inverseScale * s.scales[j]))
                    let lm = UInt8(truncatingIfNeeded: Rounding.nearestInt(inverseMin * s.mins[j]))
                    s.scaleLevels[j] = Swift.min(63, ls)
                    s.minLevels[j] = Swift.min(63, lm)
                }
                KQuantPacking.packScaleMin(scales: s.scaleLevels, mins: s.minLevels, into: scaleBytes)
                y.storeHalf(Rounding.half(maxScale / 63), at: 0)
                y.storeHalf(Rounding.half(maxMin / 63), at: 2)
            case let .weighted(weighting, importance):
                let sigma2 = 2 * row.sumOfSquares(from: start, length: 256) / 256
                for j in 0..<8 {
                    row.fillSubBlockWeights(weighting, importance: importance, superBlock: start, index: j, length: 32,
                                            type: type, sigma2: sigma2)
                    s.scales[j] = AffineSearch.search(
                        count: 32, nmax: nmax, x + 32 &* j, weights: s.weights, levels: levels + 32 &* j,
                        negatedMin: &s.mins[j], scratch: s.auxiliary, scan: .weighted)
                }
                let d = AffineSearch.scaleOfScales(count: 8, nmax: 63, s.scales, levels: s.scaleLevels, weights: s.scaleWeights)
                let m = AffineSearch.scaleOfScales(count: 8, nmax: 63, s.mins, levels: s.minLevels, weights: s.scaleWeights)
                for j in 0..<8 {
                    s.scaleLevels[j] = Swift.min(63, s.scaleLevels[j])
                    s.minLevels[j] = Swift.min(63, s.minLevels[j])
                }
                KQuantPacking.packScaleMin(scales: s.scaleLevels, mins: s.minLevels, into: scaleBytes)
                y.storeHalf(Rounding.half(d), at: 0)
                y.storeHalf(Rounding.half(m), at: 2)
            }
            let d = HalfPrecision.read(y, at: 0)
            let dmin = HalfPrecision.read(y, at: 2)
            for j in 0..<8 {
                let (sc, mn) = KQuantPacking.scaleMin(j, scaleBytes)
                let scale = d * Float(sc)
                if scale == 0 { continue }
                let m = dmin * Float(mn)
                for i in 0..<32 {
                    let l = Rounding.clamp(Rounding.nearestInt((x[32 &* j &+ i] + m) / scale), 0, nmax)
                    levels[32 &* j &+ i] = UInt8(truncatingIfNeeded: l)
                }
            }
            if bits == 4 {
                let qs = y + 16
                for j in stride(from: 0, to: 256, by: 64) {
                    for l in 0..<32 { qs[j / 2 &+ l] = levels[j &+ l] | (levels[j &+ l &+ 32] << 4) }
                }
            } else {
                let qh = y + 16
                let qs = y + 48
                for j in 0..<32 { qh[j] = 0 }
                var m1: UInt8 = 1
                var m2: UInt8 = 2
                for n in stride(from: 0, to: 256, by: 64) {
                    for j in 0..<32 {
                        var l1 = levels[n &+ j]
                        if l1 > 15 { l1 &-= 16; qh[j] |= m1 }
                        var l2 = levels[n &+ j &+ 32]
                        if l2 > 15 { l2 &-= 16; qh[j] |= m2 }
                        qs[n / 2 &+ j] = l1 | (l2 << 4)
                    }
                    m1 <<= 2
                    m2 <<= 2
                }
            }
        }
    }
}
