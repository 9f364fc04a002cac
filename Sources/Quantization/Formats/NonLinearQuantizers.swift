import GGUF

/// IQ4_NL (18-byte blocks of 32: d, qs[16]) and IQ4_XS (136-byte super-blocks of 256: d,
/// scales_h, scales_l[4], qs[128]) on the non-linear 16-value grid, byte-identical with
/// ggml's `quantize_iq4_nl` / `quantize_iq4_xs` (the searching path, ntry = 7).
enum NonLinearQuantizers {
    /// `kvalues_iq4nl` (ggml-common.h), as floats.
    private static let grid: [Float] = [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113]
    private static let tries = 7

    static func iq4_NL(_ row: RowContext, into out: UnsafeMutablePointer<UInt8>) {
        grid.withUnsafeBufferPointer { values in
            for block in 0..<(row.count / 32) {
                superBlock(row, start: block &* 32, size: 32, values: values.baseAddress!, into: out + block &* 18)
            }
        }
    }

    static func iq4_XS(_ row: RowContext, into out: UnsafeMutablePointer<UInt8>) {
        grid.withUnsafeBufferPointer { values in
            for block in 0..<(row.count / 256) {
                superBlock(row, start: block &* 256, size: 256, values: values.baseAddress!, into: out + block &* 136)
            }
        }
    }

    /// `quantize_row_iq4_nl_impl(size, 32, 16, …, ntry = 7)` for one (super-)block.
    private static func superBlock(
        _ row: RowContext, start: Int, size: Int, values: UnsafePointer<Float>, into y: UnsafeMutablePointer<UInt8>
    ) {
        let s = row.scratch
        let x = row.x + start
        let levels = s.levels
        let type: GGMLType = size == 32 ? .iq4_NL : .iq4_XS
        var sigma2 = row.sumOfSquares(from: start, length: size)
        sigma2 *= 2 / Float(size)
        let first = values[0]
        var maxScale: Float = 0
        var amaxScale: Float = 0
        for block in 0..<(size / 32) {
            let xb = x + block &* 32
            let lb = levels + block &* 32
            let weights = s.weights
            switch row.mode {
            case .reference:
                for j in 0..<32 { weights[j] = xb[j] * xb[j] }
            case let .weighted(weighting, importance):
                row.fillWeights(weighting, importance: importance, from: start &+ block &* 32, length: 32,
                                type: type, sigma2: sigma2)
            }
            var amax: Float = 0
            var max: Float = 0
            for j in 0..<32 where abs(xb[j]) > amax {
                amax = abs(xb[j])
                max = xb[j]
            }
            if amax < 1e-15 {
                s.scales[block] = 0
                for j in 0..<32 { lb[j] = 0 }
                continue
            }
            var d = -max / first
            var id = 1 / d
            var sumqx: Float = 0
            var sumq2: Float = 0
            for j in 0..<32 {
                let l = Rounding.bestIndex(values, count: 16, id * xb[j])
                lb[j] = UInt8(truncatingIfNeeded: l)
                let q = values[l]
                let w = weights[j]
                sumqx += w * q * xb[j]
                sumq2 += w * q * q
            }
            d = sumq2 > 0 ? sumqx / sumq2 : 0
            var best = d * sumqx
            for attempt in -tries...tries {
                id = Float(attempt &+ Int(first)) / max
                sumqx = 0
                sumq2 = 0
                for j in 0..<32 {
                    let q = values[Rounding.bestIndex(values, count: 16, id * xb[j])]
                    let w = weights[j]
                    sumqx += w * q * xb[j]
                    sumq2 += w * q * q
                }
                if sumq2 > 0 && sumqx * sumqx > best * sumq2 {
                    d = sumqx / sumq2
                    best = d * sumqx
                }
            }
            s.scales[block] = d
            if abs(d) > amaxScale {
                amaxScale = abs(d)
                maxScale = d
            }
        }
        let qs: UnsafeMutablePointer<UInt8>
        if size > 32 {
            let d = -maxScale / 32
            y.storeHalf(Rounding.half(d), at: 0)
            let id: Float = d != 0 ? 1 / d : 0
            var scalesHigh: UInt16 = 0
            let scalesLow = y + 4
            for block in 0..<(size / 32) {
                var l = Rounding.clamp(Rounding.nearestInt(id * s.scales[block]), -32, 31)
                let dl = d * Float(l)
                let idl: Float = dl != 0 ? 1 / dl : 0
                let xb = x + block &* 32
                let lb = levels + block &* 32
                for j in 0..<32 { lb[j] = UInt8(truncatingIfNeeded: Rounding.bestIndex(values, count: 16, idl * xb[j])) }
                l &+= 32
                let low = UInt8(truncatingIfNeeded: l & 0xF)
                if block % 2 == 0 { scalesLow[block / 2] = low } else { scalesLow[block / 2] |= low << 4 }
                scalesHigh |= UInt16(truncatingIfNeeded: l >> 4) << UInt16(2 &* (block % 8))
            }
            y.storeHalf(scalesHigh, at: 2)
            qs = y + 8
        } else {
            y.storeHalf(Rounding.half(s.scales[0]), at: 0)
            let id: Float = s.scales[0] != 0 ? 1 / s.scales[0] : 0
            for j in 0..<32 { levels[j] = UInt8(truncatingIfNeeded: Rounding.bestIndex(values, count: 16, id * x[j])) }
            qs = y + 2
        }
        for i in 0..<(size / 32) {
            for j in 0..<16 { qs[16 &* i &+ j] = levels[32 &* i &+ j] | (levels[32 &* i &+ 16 &+ j] << 4) }
        }
    }
}
