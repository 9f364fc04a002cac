import GGUF

/// Q4_0, Q4_1, Q5_0, Q5_1 and Q8_0 rows (32-element blocks), byte-identical with ggml.
enum LegacyQuantizers {
    /// Q4_0 (nbits 4, 18-byte blocks) or Q5_0 (nbits 5, 22-byte blocks): d · (q − 2^(nbits−1)).
    static func symmetric(_ row: RowContext, bits: Int, into out: UnsafeMutablePointer<UInt8>) {
        let offset = 1 << (bits &- 1)                     // 8 or 16
        let blockBytes = bits == 4 ? 18 : 22
        let type: GGMLType = bits == 4 ? .q4_0 : .q5_0
        let levels = row.scratch.signedLevels
        let sigma2 = row.wholeRowSigma2
        row.forEachBlock(size: 32, bytes: blockBytes, into: out) { start, xb, y in
            switch row.mode {
            case .reference:
                var amax: Float = 0
                var max: Float = 0
                for j in 0..<32 where amax < abs(xb[j]) {
                    amax = abs(xb[j])
                    max = xb[j]
                }
                let d = max / Float(-offset)
                let id: Float = d != 0 ? 1 / d : 0
                y.storeHalf(Rounding.half(d), at: 0)
                let bias = Float(offset) + 0.5
                for j in 0..<32 {
                    let q = Int(Int8(xb[j] * id + bias))
                    levels[j] = Int8(truncatingIfNeeded: Swift.min(2 &* offset &- 1, q))
                }
            case let .weighted(weighting, importance):
                row.fillWeights(weighting, importance: importance, from: start, length: 32, type: type, sigma2: sigma2)
                let d = SymmetricSearch.search(count: 32, nmax: offset, xb, levels: levels, weights: row.scratch.weights)
                y.storeHalf(Rounding.half(d), at: 0)
            }
            packNibbles(levels: UnsafeRawPointer(levels).assumingMemoryBound(to: UInt8.self), bits: bits,
                        into: y + (bits == 4 ? 2 : 6), highBits: bits == 4 ? nil : y + 2)
        }
    }

    /// Q4_1 (nbits 4, 20-byte blocks) or Q5_1 (nbits 5, 24-byte blocks): d · q + m.
    static func affine(_ row: RowContext, bits: Int, into out: UnsafeMutablePointer<UInt8>) {
        let nmax = (1 << bits) &- 1
        let blockBytes = bits == 4 ? 20 : 24
        let type: GGMLType = bits == 4 ? .q4_1 : .q5_1
        let levels = row.scratch.levels
        let sigma2 = row.wholeRowSigma2
        row.forEachBlock(size: 32, bytes: blockBytes, into: out) { start, xb, y in
            switch row.mode {
            case .reference:
                var min = Float.greatestFiniteMagnitude
                var max = -Float.greatestFiniteMagnitude
                for j in 0..<32 {
                    if xb[j] < min { min = xb[j] }
                    if xb[j] > max { max = xb[j] }
                }
                let d = (max - min) / Float(nmax)
                let id: Float = d != 0 ? 1 / d : 0
                y.storeHalf(Rounding.half(d), at: 0)
                y.storeHalf(Rounding.half(min), at: 2)
                for j in 0..<32 {
                    let v = (xb[j] - min) * id + 0.5
                    levels[j] = bits == 4 ? UInt8(Swift.min(15, Int(Int8(v)))) : UInt8(v)
                }
            case let .weighted(weighting, importance):
                row.fillWeights(weighting, importance: importance, from: start, length: 32, type: type, sigma2: sigma2)
                var negatedMin: Float = 0
                let d = AffineSearch.search(count: 32, nmax: nmax, xb, weights: row.scratch.weights, levels: levels,
                                            negatedMin: &negatedMin, scratch: row.scratch.auxiliary, scan: .weighted)
                y.storeHalf(Rounding.half(d), at: 0)
                y.storeHalf(Rounding.half(-negatedMin), at: 2)
            }
            packNibbles(levels: levels, bits: bits, into: y + (bits == 4 ? 4 : 8), highBits: bits == 4 ? nil : y + 4)
        }
    }

    /// Q8_0: d = amax/127, q = roundf(x/d). ggml ignores the importance for this type.
    static func q8_0(_ row: RowContext, into out: UnsafeMutablePointer<UInt8>) {
        row.forEachBlock(size: 32, bytes: 34, into: out) { _, xb, y in
            var amax: Float = 0
            for j in 0..<32 {
                let v = abs(xb[j])
                amax = amax > v ? amax : v
            }
            let d = amax / 127
            let id: Float = d != 0 ? 1 / d : 0
            y.storeHalf(Rounding.half(d), at: 0)
            for j in 0..<32 { y[2 &+ j] = UInt8(bitPattern: Int8((xb[j] * id).rounded())) }
        }
    }

    /// Packs 32 levels: low nibbles of j and j+16 into `qs[j]`; for 5-bit types bit 4 of each
    /// level into the little-endian 32-bit `qh` (bit j, bit j+16).
    @inline(__always)
    private static func packNibbles(
        levels: UnsafePointer<UInt8>, bits: Int, into qs: UnsafeMutablePointer<UInt8>,
        highBits: UnsafeMutablePointer<UInt8>?
    ) {
        var qh: UInt32 = 0
        for j in 0..<16 {
            let low = levels[j]
            let high = levels[j &+ 16]
            qs[j] = (low & 0x0F) | ((high & 0x0F) << 4)
            qh |= UInt32((low & 0x10) >> 4) << UInt32(j)
            qh |= UInt32((high & 0x10) >> 4) << UInt32(j &+ 16)
        }
        highBits?.storeWord(qh, at: 0)
    }
}
