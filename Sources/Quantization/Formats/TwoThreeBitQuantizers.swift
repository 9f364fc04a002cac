import GGUF
import Kernels

/// Q2_K (84-byte super-blocks: scales[16], qs[64], d, dmin) and Q3_K (110 bytes: hmask[32],
/// qs[64], scales[12], d), byte-identical with ggml.
enum TwoThreeBitQuantizers {
    static func q2_K(_ row: RowContext, into out: UnsafeMutablePointer<UInt8>) {
        let s = row.scratch
        let levels = s.levels
        row.forEachBlock(bytes: 84, into: out) { start, x, y in
            switch row.mode {
            case .reference:
                var maxScale: Float = 0
                var maxMin: Float = 0
                for j in 0..<16 {
                    for l in 0..<16 { s.weights[l] = abs(x[16 &* j &+ l]) }
                    s.scales[j] = AffineSearch.search(
                        count: 16, nmax: 3, x + 16 &* j, weights: s.weights, levels: levels + 16 &* j,
                        negatedMin: &s.mins[j], scratch: s.auxiliary,
                        scan: .init(rmin: -0.5, rdelta: 0.1, steps: 15, meanAbsoluteError: true))
                    if s.scales[j] > maxScale { maxScale = s.scales[j] }
                    if s.mins[j] > maxMin { maxMin = s.mins[j] }
                }
                if maxScale > 0 {
                    let iscale = 15 / maxScale
                    for j in 0..<16 { y[j] = UInt8(truncatingIfNeeded: Rounding.nearestInt(iscale * s.scales[j])) }
                    y.storeHalf(Rounding.half(maxScale / 15), at: 80)
                } else {
                    for j in 0..<16 { y[j] = 0 }
                    y.storeHalf(Rounding.half(0), at: 80)
                }
                if maxMin > 0 {
                    let iscale = 15 / maxMin
                    for j in 0..<16 { y[j] |= UInt8(truncatingIfNeeded: Rounding.nearestInt(iscale * s.mins[j]) << 4) }
                    y.storeHalf(Rounding.half(maxMin / 15), at: 82)
                } else {
                    y.storeHalf(Rounding.half(0), at: 82)
                }
            case let .weighted(weighting, importance):
                let sigma2 = row.sumOfSquares(from: start, length: 256) / 256
                for j in 0..<16 {
                    row.fillSubBlockWeights(weighting, importance: importance, superBlock: start, index: j, length: 16,
                                            type: .q2_K, sigma2: sigma2)
                    s.scales[j] = AffineSearch.search(
                        count: 16, nmax: 3, x + 16 &* j, weights: s.weights, levels: levels + 16 &* j,
                        negatedMin: &s.mins[j], scratch: s.auxiliary, scan: .weighted)
                }
                let dm = AffineSearch.scaleOfScales(count: 16, nmax: 15, s.scales, levels: s.scaleLevels, weights: s.scaleWeights)
                let mm = AffineSearch.scaleOfScales(count: 16, nmax: 15, s.mins, levels: s.minLevels, weights: s.scaleWeights)
                y.storeHalf(Rounding.half(dm), at: 80)
                y.storeHalf(Rounding.half(mm), at: 82)
                for j in 0..<16 { y[j] = s.scaleLevels[j] | (s.minLevels[j] << 4) }
            }
            let d = HalfPrecision.read(y, at: 80)
            let dmin = HalfPrecision.read(y, at: 82)
            for j in 0..<16 {
                let scale = d * Float(y[j] & 0xF)
                if scale == 0 { continue }
                let m = dmin * Float(y[j] >> 4)
                for i in 0..<16 {
                    let l = Rounding.clamp(Rounding.nearestInt((x[16 &* j &+ i] + m) / scale), 0, 3)
                    levels[16 &* j &+ i] = UInt8(truncatingIfNeeded: l)
                }
            }
            KQuantPacking.packTwoBit(levels, into: y + 16)
        }
    }

    static func q3_K(_ row: RowContext, into out: UnsafeMutablePointer<UInt8>) {
        let s = row.scratch
        let signed = s.signedLevels
        row.forEachBlock(bytes: 110, into: out) { start, x, y in
            let scaleBytes = y + 96
            for j in 0..<12 { scaleBytes[j] = 0 }
            switch row.mode {
            case .reference:
                var maxScale: Float = 0
                var amax: Float = 0
                for j in 0..<16 {
                    s.scales[j] = SymmetricSearch.searchWithDescent(count: 16, nmax: 4, x + 16 &* j, levels: signed + 16 &* j)
                    let scale = abs(s.scales[j])
                    if scale > amax { amax = scale; maxScale = s.scales[j] }
                }
                if maxScale != 0 {
                    let iscale = -32 / maxScale
                    for j in 0..<16 {
                        let l = Int(Int8(truncatingIfNeeded: Rounding.nearestInt(iscale * s.scales[j])))
                        KQuantPacking.packQ3Scale(UInt8(Rounding.clamp(l, -32, 31) &+ 32), index: j, into: scaleBytes)
                    }
                    y.storeHalf(Rounding.half(1 / iscale), at: 108)
                } else {
                    y.storeHalf(Rounding.half(0), at: 108)
                }
            case let .weighted(weighting, importance):
                let sigma2 = 2 * row.sumOfSquares(from: start, length: 256) / 256
                for j in 0..<16 {
                    row.fillSubBlockWeights(weighting, importance: importance, superBlock: start, index: j, length: 16,
                                            type: .q3_K, sigma2: sigma2)
                    s.scales[j] = SymmetricSearch.search(count: 16, nmax: 4, x + 16 &* j, levels: signed + 16 &* j,
                                                         weights: s.weights)
                }
                let d = SymmetricSearch.search(count: 16, nmax: 32, s.scales, levels: s.signedScaleLevels,
                                               weights: s.scaleWeights)
                for j in 0..<16 {
                    KQuantPacking.packQ3Scale(UInt8(bitPattern: s.signedScaleLevels[j]), index: j, into: scaleBytes)
                }
                y.storeHalf(Rounding.half(d), at: 108)
            }
            let d = HalfPrecision.read(y, at: 108)
            for j in 0..<16 {
                let scale = d * Float(KQuantPacking.q3Scale(j, scaleBytes))
                if scale == 0 { continue }
                for i in 0..<16 {
                    let l = Rounding.clamp(Rounding.nearestInt(x[16 &* j &+ i] / scale), -4, 3)
                    signed[16 &* j &+ i] = Int8(truncatingIfNeeded: l &+ 4)
                }
            }
            let levels = s.levels
            for j in 0..<32 { y[j] = 0 }
            for j in 0..<256 {
                var l = UInt8(bitPattern: signed[j])
                if l > 3 {
                    y[j % 32] |= UInt8(1) << UInt8(j / 32)
                    l &-= 4
                }
                levels[j] = l
            }
            KQuantPacking.packTwoBit(levels, into: y + 32)
        }
    }
}

extension HalfPrecision {
    /// The float value of the little-endian fp16 at `offset` in a block (ggml's re-read of a
    /// stored scale).
    @inline(__always)
    static func read(_ block: UnsafeMutablePointer<UInt8>, at offset: Int) -> Float {
        toFloat(UInt16(block[offset]) | (UInt16(block[offset &+ 1]) << 8))
    }
}
