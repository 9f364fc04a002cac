import GGUF
import Kernels

/// IQ3_S (110-byte super-blocks: d, qs[64], qh[8], signs[32], scales[4]) on ggml's 512-point
/// 4-element lattice, byte-identical with ggml's `quantize_iq3_s` (32-element blocks).
enum IQ3SQuantizer {
    static func quantize(_ row: RowContext, into out: UnsafeMutablePointer<UInt8>) {
        let table = LatticeTable.iq3s
        let s = row.scratch
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * 32 + 8) { floats in
            withUnsafeTemporaryAllocation(of: Int8.self, capacity: 68) { bytes in
                let xval = floats.baseAddress!, waux = xval + 32, scales = xval + 64
                let best = bytes.baseAddress!, trial = best + 32
                let signs = UnsafeMutableRawPointer(best + 64).assumingMemoryBound(to: UInt8.self)
                row.forEachBlock(bytes: 110, into: out) { start, _, y in
                    for i in 0..<110 { y[i] = 0 }
                    let qs = y + 2, qh = y + 66, signBytes = y + 74
                    var maxScale: Float = 0
                    // ggml advances its qs and signs pointers only after a non-zero block, so the
                    // blocks after an all-zero one are stored shifted (golden behaviour, kept).
                    var qsCursor = 0
                    var signCursor = 0
                    let sigma2 = 2 * row.sumOfSquares(from: start, length: 256) / 256
                    for ib in 0..<8 {
                        let xb = row.x + (start &+ 32 &* ib)
                        LatticeQuantizers.weigh(row, from: start &+ 32 &* ib, length: 32, type: .iq3_S, sigma2: sigma2)
                        let weights = s.weights
                        for i in 0..<32 { waux[i] = weights[i].squareRoot() }
                        LatticeQuantizers.plainSigns(xb, groups: 4, xval: xval, signs: signs)
                        var max = xval[0]
                        for i in 1..<32 { max = max > xval[i] ? max : xval[i] }
                        for i in 0..<32 { best[i] = 0 }
                        if max == 0 {
                            scales[ib] = 0
                            continue
                        }
                        var scale = FourElementSearch.search(
                            table: table, xval: xval, waux: waux, weights: weights, max: max, steps: -9...9,
                            initiallyOnGrid: false, resnapAll: true, best: best, trial: trial)
                        if scale < 0 {
                            scale = -scale
                            for k in 0..<4 { signs[k] = ~signs[k] }
                        }
                        for k in 0..<8 {
                            let index = Int(table.map[table.pattern(best + 4 &* k)])
                            precondition(index >= 0, "IQ3_S: levels off the grid")
                            qs[qsCursor &+ k] = UInt8(truncatingIfNeeded: index)
                            qh[ib] |= UInt8(truncatingIfNeeded: index >> 8) << UInt8(k)
                        }
                        for k in 0..<4 { signBytes[signCursor &+ k] = signs[k] }
                        qsCursor &+= 8
                        signCursor &+= 4
                        scales[ib] = scale
                        maxScale = maxScale > scale ? maxScale : scale
                    }
                    guard let id = LatticeQuantizers.storeSuperScale(maxScale, divisor: 31, factor: 1.033, into: y, zeroing: 0..<0) else { return }
                    for ib in stride(from: 0, to: 8, by: 2) {
                        let l1 = LatticeQuantizers.blockScaleLevel(scales[ib], inverse: id, top: 15)
                        let l2 = LatticeQuantizers.blockScaleLevel(scales[ib &+ 1], inverse: id, top: 15)
                        y[106 &+ ib / 2] = UInt8(l1 | (l2 << 4))
                    }
                }
            }
        }
    }
}
