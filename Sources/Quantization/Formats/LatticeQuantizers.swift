import GGUF
import Kernels

/// IQ2_XXS (66-byte super-blocks: d, qs[32] u16), IQ2_XS (74 bytes: d, qs[32] u16, scales[8])
/// and IQ2_S (82 bytes: d, qs[32], signs[32], qh[8], scales[8]) on ggml's 8-element lattices,
/// byte-identical with ggml. ggml requires importance for IQ2_XXS and IQ2_XS; here any
/// weighting will do.
enum LatticeQuantizers {
    private static let maxLevel = 3   // kMaxQ: levels 0…2 stand for 1, 3, 5 (IQ2)

    /// The per-group sign handling shared by both types: `xval = |x|`, 7 stored sign bits per
    /// 8 elements, and an odd number of minus signs fixed by flipping the element with the
    /// smallest `w·x²`.
    @inline(__always)
    static func foldSigns(
        _ xb: UnsafePointer<Float>, weights: UnsafePointer<Float>, groups: Int,
        xval: UnsafeMutablePointer<Float>, signs: UnsafeMutablePointer<UInt8>
    ) {
        for k in 0..<groups {
            var flips = 0
            var s: UInt8 = 0
            for i in 0..<8 {
                let j = 8 &* k &+ i
                if xb[j] >= 0 {
                    xval[j] = xb[j]
                } else {
                    xval[j] = -xb[j]
                    flips &+= 1
                    s |= UInt8(1) << UInt8(i)
                }
            }
            if flips % 2 == 1 {
                var smallestIndex = 0
                var smallest = weights[8 &* k] * xb[8 &* k] * xb[8 &* k]
                for i in 1..<8 {
                    let j = 8 &* k &+ i
                    let ax = weights[j] * xb[j] * xb[j]
                    if ax < smallest {
                        smallest = ax
                        smallestIndex = i
                    }
                }
                xval[8 &* k &+ smallestIndex] = -xval[8 &* k &+ smallestIndex]
                s ^= UInt8(1) << UInt8(smallestIndex)
            }
            signs[k] = s & 127
        }
    }

    /// `xval = |x|` and all 8 sign bits per group (IQ2_S, IQ3_S).
    @inline(__always)
    static func plainSigns(_ xb: UnsafePointer<Float>, groups: Int, xval: UnsafeMutablePointer<Float>, signs: UnsafeMutablePointer<UInt8>) {
        for k in 0..<groups {
            var bits: UInt8 = 0
            for i in 0..<8 {
                let j = 8 &* k &+ i
                if xb[j] >= 0 { xval[j] = xb[j] } else { xval[j] = -xb[j]; bits |= UInt8(1) << UInt8(i) }
            }
            signs[k] = bits
        }
    }

    /// Prepares one block of `length` elements at column `start`: its weights (in
    /// `row.scratch.weights`), their square roots, |x| with folded signs, and returns max |x|.
    @inline(__always)
    private static func prepareBlock(
        _ row: RowContext, from start: Int, length: Int, type: GGMLType, sigma2: Float, parity: Bool = true,
        xval: UnsafeMutablePointer<Float>, waux: UnsafeMutablePointer<Float>, signs: UnsafeMutablePointer<UInt8>
    ) -> Float {
        weigh(row, from: start, length: length, type: type, sigma2: sigma2)
        let weights = row.scratch.weights
        for i in 0..<length { waux[i] = weights[i].squareRoot() }
        if parity {
            foldSigns(row.x + start, weights: weights, groups: length / 8, xval: xval, signs: signs)
        } else {
            plainSigns(row.x + start, groups: length / 8, xval: xval, signs: signs)
        }
        var max = xval[0]
        for i in 1..<length { max = max > xval[i] ? max : xval[i] }
        return max
    }

    /// ggml's closing step for a block: a negative scale is made positive by flipping the
    /// stored sign bits (`signMask`) of every group; then each group's grid index (the levels must be on it).
    @inline(__always)
    private static func settle(
        _ scale: inout Float, signs: UnsafeMutablePointer<UInt8>, signMask: UInt8 = 127, levels: UnsafePointer<Int8>,
        groups: Int, table: LatticeTable, indices: UnsafeMutablePointer<Int>
    ) {
        if scale < 0 {
            scale = -scale
            for k in 0..<groups { signs[k] = ~signs[k] & signMask }
        }
        for k in 0..<groups {
            let index = Int(table.map[table.pattern(levels + 8 &* k)])
            precondition(index >= 0, "lattice levels off the grid")
            indices[k] = index
        }
    }

    /// Levels of `count` elements at inverse scale `id`: `clamp(nearest_int(0.5·(id·x − 1)), 0, top)`.
    @inline(__always)
    static func levels(_ xval: UnsafePointer<Float>, inverseScale id: Float, into l: UnsafeMutablePointer<Int8>,
                       count: Int = 8, top: Int = maxLevel - 1) {
        for i in 0..<count {
            l[i] = Int8(truncatingIfNeeded: Rounding.clamp(Rounding.nearestInt(0.5 * (id * xval[i] - 1)), 0, top))
        }
    }

    /// ggml's block-scale code for the lattice types: `clamp(nearest_int(0.5·(id·s − 1)), 0, top)`.
    @inline(__always)
    static func blockScaleLevel(_ scale: Float, inverse id: Float, top: Int) -> Int {
        Rounding.clamp(Rounding.nearestInt(0.5 * (id * scale - 1)), 0, top)
    }

    /// Stores the super-block scale `d = maxScale/divisor` as fp16(d·factor) at byte 0 and returns
    /// 1/d; nil when `maxScale` is 0, after zeroing `zeroing` (ggml's memset of the quants).
    @inline(__always)
    static func storeSuperScale(
        _ maxScale: Float, divisor: Float, factor: Float, into y: UnsafeMutablePointer<UInt8>, zeroing: Range<Int>
    ) -> Float? {
        if maxScale == 0 {
            for i in zeroing { y[i] = 0 }
            return nil
        }
        let d = maxScale / divisor
        y.storeHalf(Rounding.half(d * factor), at: 0)
        return 1 / d
    }

    /// `Σ w·x·q` and `Σ w·q²` with q = 2l + 1.
    @inline(__always)
    static func sums(_ count: Int, _ weights: UnsafePointer<Float>, _ xval: UnsafePointer<Float>,
                             _ l: UnsafePointer<Int8>) -> (qx: Float, q2: Float) {
        var sumqx: Float = 0
        var sumq2: Float = 0
        for i in 0..<count {
            let w = weights[i]
            let q = Float(2 &* Int(l[i]) &+ 1)
            sumqx += w * xval[i] * q
            sumq2 += w * q * q
        }
        return (sumqx, sumq2)
    }

    static func iq2_XXS(_ row: RowContext, into out: UnsafeMutablePointer<UInt8>) {
        let table = LatticeTable.iq2xxs
        let s = row.scratch
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 3 * 32) { floats in
            withUnsafeTemporaryAllocation(of: Int8.self, capacity: 68) { bytes in
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 16) { packed in
                    let xval = floats.baseAddress!, waux = xval + 32, scales = xval + 64
                    let best = bytes.baseAddress!, trial = best + 32
                    let q2 = packed.baseAddress!
                    let signs = UnsafeMutableRawPointer(best + 64).assumingMemoryBound(to: UInt8.self)
                    row.forEachBlock(bytes: 66, into: out) { start, _, y in
                        y.storeHalf(Rounding.half(0), at: 0)
                        for i in 0..<16 { q2[i] = 0 }
                        var maxScale: Float = 0
                        let sigma2 = row.sumOfSquares(from: start, length: 256) / 256
                        for ib in 0..<8 {
                            let max = prepareBlock(row, from: start &+ 32 &* ib, length: 32, type: .iq2_XXS, sigma2: sigma2,
                                                   xval: xval, waux: waux, signs: signs)
                            let weights = s.weights
                            if max < 1e-15 {
                                scales[ib] = 0
                                continue
                            }
                            var scale = AffineSearch.scaleOfScales(count: 32, nmax: maxLevel &+ 1, xval,
                                                                   levels: UnsafeMutableRawPointer(best).assumingMemoryBound(to: UInt8.self), weights: weights)
                            let effectiveMax = scale * Float(maxLevel)
                            if effectiveMax <= 0 {
                                scales[ib] = 0
                                continue
                            }
                            var bestScore: Float = 0
                            for step in -6...6 {
                                let id = (Float(2 &* maxLevel &- 1) + Float(step) * 0.1) / effectiveMax
                                let trialScale = 1 / id
                                for k in 0..<4 {
                                    levels(xval + 8 &* k, inverseScale: id, into: trial + 8 &* k)
                                    let pattern = table.pattern(trial + 8 &* k)
                                    if table.map[pattern] < 0 {
                                        _ = table.bestNeighbour(of: pattern, xval + 8 &* k, waux + 8 &* k, scale: trialScale, levels: trial + 8 &* k)
                                    }
                                }
                                let (sumqx, sumq2) = sums(32, weights, xval, trial)
                                if sumq2 > 0 && sumqx * sumqx > bestScore * sumq2 {
                                    scale = sumqx / sumq2
                                    bestScore = scale * sumqx
                                    for i in 0..<32 { best[i] = trial[i] }
                                }
                            }
                            if scale > 0 {
                                let id = 1 / scale
                                for k in 0..<4 {
                                    levels(xval + 8 &* k, inverseScale: id, into: trial)
                                    let pattern = table.pattern(trial)
                                    var index = Int(table.map[pattern])
                                    if index < 0 {
                                        index = table.bestNeighbour(of: pattern, xval + 8 &* k, waux + 8 &* k, scale: scale, levels: best + 8 &* k)
                                    }
                                    for i in 0..<8 { best[8 &* k &+ i] = (table.points[8 &* index &+ i] &- 1) / 2 }
                                }
                                let (sumqx, sumq2) = sums(32, weights, xval, best)
                                if sumq2 > 0 { scale = sumqx / sumq2 }
                            }
                            withUnsafeTemporaryAllocation(of: Int.self, capacity: 4) { indices in
                                settle(&scale, signs: signs, levels: best, groups: 4, table: table, indices: indices.baseAddress!)
                                for k in 0..<4 { q2[2 &* ib] |= UInt32(indices[k]) << UInt32(8 &* k) }
                            }
                            for k in 0..<4 {
                                q2[2 &* ib &+ 1] |= UInt32(signs[k]) << UInt32(7 &* k)
                            }
                            scales[ib] = scale
                            maxScale = maxScale > scale ? maxScale : scale
                        }
                        guard let id = storeSuperScale(maxScale, divisor: 31, factor: 1, into: y, zeroing: 2..<66) else { return }
                        for ib in 0..<8 {
                            q2[2 &* ib &+ 1] |= UInt32(blockScaleLevel(scales[ib], inverse: id, top: 15)) << 28
                        }
                        for i in 0..<16 { y.storeWord(q2[i], at: 2 &+ 4 &* i) }
                    }
                }
            }
        }
    }

    /// What differs between the two 16-element-block types, IQ2_XS and IQ2_S.
    private struct SixteenBlockLayout {
        let type: GGMLType
        let table: LatticeTable
        let bytes: Int
        /// IQ2_XS keeps 7 sign bits per 8 (parity fixed), σ² with c = 1, ε = 1e-15; IQ2_S keeps
        /// 8 sign bits, c = 2, ε = 1e-8.
        let paritySigns: Bool
        let epsilon: Float
        /// Stored d = fp16(d·factor) (IQ2_S: 0.9875).
        let factor: Float
        let scalesOffset: Int

        static let xs = SixteenBlockLayout(type: .iq2_XS, table: .iq2xs, bytes: 74, paritySigns: true, epsilon: 1e-15,
                                           factor: 1, scalesOffset: 66)
        static let s = SixteenBlockLayout(type: .iq2_S, table: .iq2s, bytes: 82, paritySigns: false, epsilon: 1e-8,
                                          factor: 0.9875, scalesOffset: 74)
    }

    static func iq2_XS(_ row: RowContext, into out: UnsafeMutablePointer<UInt8>) { sixteenElementBlocks(row, .xs, into: out) }
    static func iq2_S(_ row: RowContext, into out: UnsafeMutablePointer<UInt8>) { sixteenElementBlocks(row, .s, into: out) }

    /// `quantize_row_iq2_xs_impl` / `quantize_row_iq2_s_impl`: 16 blocks of 16 per super-block,
    /// two 8-element grid points each.
    private static func sixteenElementBlocks(_ row: RowContext, _ layout: SixteenBlockLayout, into out: UnsafeMutablePointer<UInt8>) {
        let table = layout.table
        let s = row.scratch
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * 16 + 16) { floats in
            withUnsafeTemporaryAllocation(of: Int8.self, capacity: 34) { bytes in
                let xval = floats.baseAddress!, waux = xval + 16, scales = xval + 32
                let best = bytes.baseAddress!, trial = best + 16
                let signs = UnsafeMutableRawPointer(best + 32).assumingMemoryBound(to: UInt8.self)
                row.forEachBlock(bytes: layout.bytes, into: out) { start, _, y in
                    for i in 0..<layout.bytes { y[i] = 0 }
                    var maxScale: Float = 0
                    let sum = row.sumOfSquares(from: start, length: 256)
                    let sigma2 = layout.paritySigns ? sum / 256 : 2 * sum / 256
                    for ib in 0..<16 {
                        let max = prepareBlock(row, from: start &+ 16 &* ib, length: 16, type: layout.type, sigma2: sigma2,
                                               parity: layout.paritySigns, xval: xval, waux: waux, signs: signs)
                        let weights = s.weights
                        for i in 0..<16 { best[i] = 0 }
                        if max < layout.epsilon {
                            scales[ib] = 0
                            continue
                        }
                        var bestScore: Float = 0
                        var scale = max / Float(2 &* maxLevel &- 1)
                        var onGrid = (true, true)
                        for step in -9...9 {
                            let id = (Float(2 &* maxLevel &- 1) + Float(step) * 0.1) / max
                            let trialScale = 1 / id
                            var trialOnGrid = (true, true)
                            for k in 0..<2 {
                                levels(xval + 8 &* k, inverseScale: id, into: trial + 8 &* k)
                                let pattern = table.pattern(trial + 8 &* k)
                                if table.map[pattern] < 0 {
                                    if k == 0 { trialOnGrid.0 = false } else { trialOnGrid.1 = false }
                                    _ = table.bestNeighbour(of: pattern, xval + 8 &* k, waux + 8 &* k, scale: trialScale, levels: trial + 8 &* k)
                                }
                            }
                            let (sumqx, sumq2) = sums(16, weights, xval, trial)
                            if sumq2 > 0 && sumqx * sumqx > bestScore * sumq2 {
                                scale = sumqx / sumq2
                                bestScore = scale * sumqx
                                for i in 0..<16 { best[i] = trial[i] }
                                onGrid = trialOnGrid
                            }
                        }
                        if (!onGrid.0 || !onGrid.1) && scale > 0 {
                            let id = 1 / scale
                            for k in 0..<2 where !(k == 0 ? onGrid.0 : onGrid.1) {
                                levels(xval + 8 &* k, inverseScale: id, into: best + 8 &* k)
                                let pattern = table.pattern(best + 8 &* k)
                                if table.map[pattern] < 0 {
                                    _ = table.bestNeighbour(of: pattern, xval + 8 &* k, waux + 8 &* k, scale: scale, levels: best + 8 &* k)
                                }
                            }
                            let (sumqx, sumq2) = sums(16, weights, xval, best)
                            if sumq2 > 0 { scale = sumqx / sumq2 }
                        }
                        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2) { indices in
                            settle(&scale, signs: signs, signMask: layout.paritySigns ? 127 : 255, levels: best, groups: 2,
                                   table: table, indices: indices.baseAddress!)
                            for k in 0..<2 {
                                let i8 = 2 &* ib &+ k
                                let index = indices[k]
                                if layout.paritySigns {
                                    y.storeHalf(UInt16(index) | (UInt16(signs[k]) << 9), at: 2 &+ 2 &* i8)
                                } else {
                                    y[2 &+ i8] = UInt8(truncatingIfNeeded: index)
                                    y[66 &+ i8 / 4] |= UInt8(truncatingIfNeeded: index >> 8) << UInt8(2 &* (i8 % 4))
                                    y[34 &+ i8] = signs[k]
                                }
                            }
                        }
                        scales[ib] = scale
                        maxScale = maxScale > scale ? maxScale : scale
                    }
                    let zeroing = layout.paritySigns ? 2..<66 : 0..<0
                    guard let id = storeSuperScale(maxScale, divisor: 31, factor: layout.factor, into: y, zeroing: zeroing) else { return }
                    for ib in 0..<16 {
                        let l = UInt8(blockScaleLevel(scales[ib], inverse: id, top: 15))
                        let at = layout.scalesOffset &+ ib / 2
                        if ib % 2 == 0 { y[at] = l } else { y[at] |= l << 4 }
                    }
                }
            }
        }
    }

    /// The weights of one block: the row's weighting (ggml's `qw·sqrtf(σ²+x²)` by default); in the
    /// reference mode ggml's no-importance weights: `0.25·σ² + x²` for IQ2_S, `x²` otherwise.
    @inline(__always)
    static func weigh(_ row: RowContext, from start: Int, length: Int, type: GGMLType, sigma2: Float) {
        switch row.mode {
        case let .weighted(weighting, importance):
            row.fillWeights(weighting, importance: importance, from: start, length: length, type: type, sigma2: sigma2)
        case .reference:
            precondition(!RowQuantizer.typesNeedingImportance.contains(type), "\(type.name) needs importance or a weighting")
            let x = row.x + start
            if type == .iq2_S {
                for i in 0..<length { row.scratch.weights[i] = 0.25 * sigma2 + x[i] * x[i] }
            } else {
                for i in 0..<length { row.scratch.weights[i] = x[i] * x[i] }
            }
        }
    }
}
