import GGUF
import Kernels

/// IQ1_M (56-byte super-blocks: qs[32], qh[16], scales[8] holding 3-bit block scales and the
/// fp16 super-scale in four nibbles) on the IQ1_S lattice with 16-element blocks whose two
/// halves may shift the ternary values differently; byte-identical with ggml's `quantize_iq1_m`.
enum IQ1MQuantizer {
    private static let shiftMasks: [UInt8] = [0x00, 0x80, 0x08, 0x88]

    /// The shifted ternary values of half `k` (0 or 1) under shift code `shift` (0: +,+ 1: +,−
    /// 2: −,+ 3: −,−).
    @inline(__always)
    private static func values(_ shift: Int, half k: Int) -> (Float, Float, Float) {
        let positive = k == 0 ? shift < 2 : shift % 2 == 0
        return positive ? IQ1SQuantizer.plus : IQ1SQuantizer.minus
    }

    static func quantize(_ row: RowContext, into out: UnsafeMutablePointer<UInt8>) {
        let table = LatticeTable.iq1s
        let s = row.scratch
        let p = IQ1SQuantizer.plus, m = IQ1SQuantizer.minus
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 4 * 17 + 16) { floats in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 16 + 2 + 16) { ints in
                let px0 = floats.baseAddress!, px1 = px0 + 17, pw0 = px1 + 17, pw1 = pw0 + 17, scales = pw1 + 17
                let order = ints.baseAddress!, index = order + 16, shifts = index + 2
                let levels = s.signedLevels
                row.forEachBlock(bytes: 56, into: out) { start, _, y in
                    for i in 0..<56 { y[i] = 0 }
                    var maxScale: Float = 0
                    let sigma2 = 2 * row.sumOfSquares(from: start, length: 256) / 256
                    for ib in 0..<16 {
                        let xb = row.x + (start &+ 16 &* ib)
                        LatticeQuantizers.weigh(row, from: start &+ 16 &* ib, length: 16, type: .iq1_M, sigma2: sigma2)
                        let weights = s.weights
                        var max = abs(xb[0])
                        for i in 1..<16 { max = max > abs(xb[i]) ? max : abs(xb[i]) }
                        scales[ib] = 0
                        shifts[ib] = 0
                        if max < 1e-7 { continue }
                        IQ1SQuantizer.sortedOrder(xb, count: 16, into: order)
                        px0[0] = 0; px1[0] = 0; pw0[0] = 0; pw1[0] = 0
                        for j in 0..<16 {
                            let i = order[j]
                            if i < 8 {
                                px0[j &+ 1] = px0[j] + weights[i] * xb[i]; px1[j &+ 1] = px1[j]
                                pw0[j &+ 1] = pw0[j] + weights[i]; pw1[j &+ 1] = pw1[j]
                            } else {
                                px1[j &+ 1] = px1[j] + weights[i] * xb[i]; px0[j &+ 1] = px0[j]
                                pw1[j &+ 1] = pw1[j] + weights[i]; pw0[j &+ 1] = pw0[j]
                            }
                        }
                        let cp1 = p.0 * p.0 - p.1 * p.1, cp2 = p.1 * p.1 - p.2 * p.2
                        let cm1 = m.0 * m.0 - m.1 * m.1, cm2 = m.1 * m.1 - m.2 * m.2
                        var bestScore = -Float.greatestFiniteMagnitude
                        var scale = max
                        var best1 = -1, best2 = -1, bestShift = -1
                        for i1 in 0...16 {
                            for i2 in i1...16 {
                                let sx0 = px0[i1] + px0[i2], sx1 = px1[i1] + px1[i2]
                                let qxp0 = px0[16] * p.2 - sx0, qxm0 = px0[16] * m.2 - sx0
                                let qxp1 = px1[16] * p.2 - sx1, qxm1 = px1[16] * m.2 - sx1
                                let q2p0 = pw0[16] * p.2 * p.2 + pw0[i1] * cp1 + pw0[i2] * cp2
                                let q2m0 = pw0[16] * m.2 * m.2 + pw0[i1] * cm1 + pw0[i2] * cm2
                                let q2p1 = pw1[16] * p.2 * p.2 + pw1[i1] * cp1 + pw1[i2] * cp2
                                let q2m1 = pw1[16] * m.2 * m.2 + pw1[i1] * cm1 + pw1[i2] * cm2
                                let sumqx = (qxp0 + qxp1, qxp0 + qxm1, qxm0 + qxp1, qxm0 + qxm1)
                                let sumq2 = (q2p0 + q2p1, q2p0 + q2m1, q2m0 + q2p1, q2m0 + q2m1)
                                for k in 0..<4 {
                                    let qx = k == 0 ? sumqx.0 : (k == 1 ? sumqx.1 : (k == 2 ? sumqx.2 : sumqx.3))
                                    let q2 = k == 0 ? sumq2.0 : (k == 1 ? sumq2.1 : (k == 2 ? sumq2.2 : sumq2.3))
                                    if q2 > 0 && qx * qx > bestScore * q2 {
                                        scale = qx / q2
                                        bestScore = scale * qx
                                        best1 = i1; best2 = i2; bestShift = k
                                    }
                                }
                            }
                        }
                        if best1 < 0 || best2 < 0 || bestShift < 0 { continue }
                        for j in 0..<16 { levels[order[j]] = j < best1 ? 0 : (j < best2 ? 1 : 2) }
                        if scale < 0 {
                            for j in 0..<16 { levels[j] = 2 &- levels[j] }
                            scale = -scale
                            bestShift = 3 &- bestShift
                        }
                        var allOnGrid = true
                        for k in 0..<2 {
                            let xx = values(bestShift, half: k)
                            let pattern = table.pattern(levels + 8 &* k)
                            var gridIndex = Int(table.map[pattern])
                            if gridIndex < 0 {
                                allOnGrid = false
                                gridIndex = IQ1SQuantizer.nearestByValue(table, pattern, xb + 8 &* k, weights + 8 &* k, scale: scale,
                                                                         value: { $0 == 0 ? xx.0 : ($0 == 1 ? xx.1 : xx.2) },
                                                                         levels: levels + 8 &* k)
                            }
                            index[k] = gridIndex
                        }
                        if !allOnGrid {
                            var sumqx: Float = 0
                            var sumq2: Float = 0
                            for k in 0..<2 {
                                let xx = values(bestShift, half: k)
                                for j in 0..<8 {
                                    let w = weights[8 &* k &+ j]
                                    let level = (table.points[8 &* index[k] &+ j] &- 1) / 2
                                    let q = level == 0 ? xx.0 : (level == 1 ? xx.1 : xx.2)
                                    sumqx += w * q * xb[8 &* k &+ j]
                                    sumq2 += w * q * q
                                }
                            }
                            if sumqx > 0 && sumq2 > 0 { scale = sumqx / sumq2 }
                        }
                        y[2 &* ib] = UInt8(truncatingIfNeeded: index[0])
                        y[2 &* ib &+ 1] = UInt8(truncatingIfNeeded: index[1])
                        y[32 &+ ib] = UInt8(truncatingIfNeeded: (index[0] >> 8) | ((index[1] >> 8) << 4))
                        scales[ib] = scale
                        shifts[ib] = bestShift
                        maxScale = maxScale > scale ? maxScale : scale
                    }
                    if maxScale == 0 { return }
                    var d = maxScale / 15
                    let id = 1 / d
                    var packed: (UInt16, UInt16, UInt16, UInt16) = (0, 0, 0, 0)
                    var sumqx: Float = 0
                    var sumq2: Float = 0
                    withUnsafeMutableBytes(of: &packed) { raw in
                        let sc = raw.baseAddress!.assumingMemoryBound(to: UInt16.self)
                        for ib in 0..<16 {
                            let l = LatticeQuantizers.blockScaleLevel(scales[ib], inverse: id, top: 7)
                            sc[ib / 4] |= UInt16(l << (3 &* (ib % 4)))
                            y[32 &+ ib] |= shiftMasks[shifts[ib]]
                            let xb = row.x + (start &+ 16 &* ib)
                            LatticeQuantizers.weigh(row, from: start &+ 16 &* ib, length: 16, type: .iq1_M, sigma2: sigma2)
                            let weights = s.weights
                            for k in 0..<2 {
                                let xx = values(shifts[ib], half: k)
                                let gridIndex = Int(y[2 &* ib &+ k]) &+ ((Int(y[32 &+ ib]) << (8 &- 4 &* k)) & 0x700)
                                for j in 0..<8 {
                                    let w = weights[8 &* k &+ j]
                                    let level = (table.points[8 &* gridIndex &+ j] &- 1) / 2
                                    let q = (level == 0 ? xx.0 : (level == 1 ? xx.1 : xx.2)) * Float(2 &* l &+ 1)
                                    sumqx += w * q * xb[8 &* k &+ j]
                                    sumq2 += w * q * q
                                }
                            }
                        }
                        if sumq2 > 0 { d = sumqx / sumq2 }
                        let half = Rounding.half(d * 1.1125)
                        sc[0] |= (half & 0x000F) << 12
                        sc[1] |= (half & 0x00F0) << 8
                        sc[2] |= (half & 0x0F00) << 4
                        sc[3] |= half & 0xF000
                        for i in 0..<4 { y.storeHalf(sc[i], at: 48 &+ 2 &* i) }
                    }
                }
            }
        }
    }
}
