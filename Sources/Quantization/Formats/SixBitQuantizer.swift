import GGUF
import Kernels

/// Q6_K (210-byte super-blocks: ql[128], qh[64], scales[16] int8, d): sixteen 16-element
/// sub-blocks, byte-identical with ggml. ggml's importance path weighs by `qw` alone.
enum SixBitQuantizer {
    static func quantize(_ row: RowContext, into out: UnsafeMutablePointer<UInt8>) {
        let s = row.scratch
        let levels = s.signedLevels
        row.forEachBlock(bytes: 210, into: out) { start, x, y in
            var maxScale: Float = 0
            var maxAbsScale: Float = 0
            var sigma2: Float = 0
            if case .weighted = row.mode { sigma2 = 2 * row.sumOfSquares(from: start, length: 256) / 256 }
            for j in 0..<16 {
                var weights: UnsafePointer<Float>? = nil
                if case let .weighted(weighting, importance) = row.mode {
                    row.fillWeights(weighting, importance: importance, from: start &+ 16 &* j, length: 16,
                                    type: .q6_K, sigma2: sigma2)
                    weights = UnsafePointer(s.weights)
                }
                let scale = SymmetricSearch.search(count: 16, nmax: 32, x + 16 &* j, levels: levels + 16 &* j, weights: weights)
                s.scales[j] = scale
                if abs(scale) > maxAbsScale {
                    maxAbsScale = abs(scale)
                    maxScale = scale
                }
            }
            if maxAbsScale < 1e-15 {
                for i in 0..<210 { y[i] = 0 }
                return
            }
            let iscale = -128 / maxScale
            y.storeHalf(Rounding.half(1 / iscale), at: 208)
            let scaleBytes = y + 192
            for j in 0..<16 {
                let l = Swift.min(127, Rounding.nearestInt(iscale * s.scales[j]))
                scaleBytes[j] = UInt8(truncatingIfNeeded: l)
            }
            let d = HalfPrecision.read(y, at: 208)
            for j in 0..<16 {
                let scale = d * Float(Int8(bitPattern: scaleBytes[j]))
                if scale == 0 { continue }
                for i in 0..<16 {
                    let l = Rounding.clamp(Rounding.nearestInt(x[16 &* j &+ i] / scale), -32, 31)
                    levels[16 &* j &+ i] = Int8(truncatingIfNeeded: l &+ 32)
                }
            }
            let ql = y
            let qh = y + 128
            for j in stride(from: 0, to: 256, by: 128) {
                let lowOffset = j / 2
                let highOffset = j / 4
                for l in 0..<32 {
                    let q1 = UInt8(bitPattern: levels[j &+ l])
                    let q2 = UInt8(bitPattern: levels[j &+ l &+ 32])
                    let q3 = UInt8(bitPattern: levels[j &+ l &+ 64])
                    let q4 = UInt8(bitPattern: levels[j &+ l &+ 96])
                    ql[lowOffset &+ l] = (q1 & 0xF) | ((q3 & 0xF) << 4)
                    ql[lowOffset &+ l &+ 32] = (q2 & 0xF) | ((q4 & 0xF) << 4)
                    qh[highOffset &+ l] = (q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6)
                }
            }
        }
    }
}
