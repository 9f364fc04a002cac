import GGUF
import Kernels

/// IQ3_XXS (98-byte super-blocks: d, 64 grid indices, 8 × u32 of 4·7 sign bits and a 4-bit
/// scale) on ggml's 256-point 4-element lattice, byte-identical with ggml's `quantize_iq3_xxs`.
enum IQ3XXSQuantizer {
    static func quantize(_ row: RowContext, into out: UnsafeMutablePointer<UInt8>) {
        let table = LatticeTable.iq3xxs
        let s = row.scratch
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * 32 + 8) { floats in
            withUnsafeTemporaryAllocation(of: Int8.self, capacity: 68) { bytes in
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 8) { packed in
                    let xval = floats.baseAddress!, waux = xval + 32, scales = xval + 64
                    let best = bytes.baseAddress!, trial = best + 32
                    let signs = UnsafeMutableRawPointer(best + 64).assumingMemoryBound(to: UInt8.self)
                    let scalesAndSigns = packed.baseAddress!
                    row.forEachBlock(bytes: 98, into: out) { start, _, y in
                        for i in 0..<98 { y[i] = 0 }
                        for i in 0..<8 { scalesAndSigns[i] = 0 }
                        var maxScale: Float = 0
                        let sigma2 = 2 * row.sumOfSquares(from: start, length: 256) / 256
                        for ib in 0..<8 {
                            let xb = row.x + (start &+ 32 &* ib)
                            LatticeQuantizers.weigh(row, from: start &+ 32 &* ib, length: 32, type: .iq3_XXS, sigma2: sigma2)
                            let weights = s.weights
                            for i in 0..<32 { waux[i] = weights[i].squareRoot() }
                            LatticeQuantizers.foldSigns(xb, weights: weights, groups: 4, xval: xval, signs: signs)
                            var max = xval[0]
                            for i in 1..<32 { max = max > xval[i] ? max : xval[i] }
                            for i in 0..<32 { best[i] = 0 }
                            if max < 1e-8 {
                                scales[ib] = 0
                                continue
                            }
                            var scale = FourElementSearch.search(
                            table: table, xval: xval, waux: waux, weights: weights, max: max, steps: -15...15,
                            initiallyOnGrid: true, resnapAll: false, best: best, trial: trial)
                        if scale < 0 {
                                scale = -scale
                                for k in 0..<4 { signs[k] = ~signs[k] & 127 }
                            }
                            for k in 0..<8 {
                                let index = Int(table.map[table.pattern(best + 4 &* k)])
                                precondition(index >= 0, "IQ3_XXS: levels off the grid")
                                y[2 &+ 8 &* ib &+ k] = UInt8(truncatingIfNeeded: index)
                            }
                            scalesAndSigns[ib] = UInt32(signs[0]) | UInt32(signs[1]) << 7 | UInt32(signs[2]) << 14 | UInt32(signs[3]) << 21
                            scales[ib] = scale
                            maxScale = maxScale > scale ? maxScale : scale
                        }
                        guard let id = LatticeQuantizers.storeSuperScale(maxScale, divisor: 31, factor: 1.0125, into: y, zeroing: 2..<98) else { return }
                        for ib in 0..<8 {
                            scalesAndSigns[ib] |= UInt32(LatticeQuantizers.blockScaleLevel(scales[ib], inverse: id, top: 15)) << 28
                            y.storeWord(scalesAndSigns[ib], at: 66 &+ 4 &* ib)
                        }
                    }
                }
            }
        }
    }
}
