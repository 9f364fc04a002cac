/// Bit packing shared by the K-quant super-blocks (256 elements).
enum KQuantPacking {
    /// Q2_K/Q3_K low bits: `qs[j/4 + l] = L[j+l] | L[j+l+32] << 2 | L[j+l+64] << 4 | L[j+l+96] << 6`
    /// for j ∈ {0, 128}, l < 32.
    @inline(__always)
    static func packTwoBit(_ levels: UnsafePointer<UInt8>, into qs: UnsafeMutablePointer<UInt8>) {
        for j in stride(from: 0, to: 256, by: 128) {
            for l in 0..<32 {
                let b = j &+ l
                qs[j / 4 &+ l] = levels[b] | (levels[b &+ 32] << 2) | (levels[b &+ 64] << 4) | (levels[b &+ 96] << 6)
            }
        }
    }

    /// Q4_K/Q5_K 6-bit scales and mins into `scales[12]` (the inverse of `get_scale_min_k4`).
    @inline(__always)
    static func packScaleMin(
        scales ls: UnsafePointer<UInt8>, mins lm: UnsafePointer<UInt8>, into q: UnsafeMutablePointer<UInt8>
    ) {
        for j in 0..<8 {
            let s = ls[j]
            let m = lm[j]
            if j < 4 {
                q[j] = s
                q[j &+ 4] = m
            } else {
                q[j &+ 4] = (s & 0xF) | ((m & 0xF) << 4)
                q[j &- 4] |= (s >> 4) << 6
                q[j] |= (m >> 4) << 6
            }
        }
    }

    /// `get_scale_min_k4`: the 6-bit scale and min of sub-block `j`.
    @inline(__always)
    static func scaleMin(_ j: Int, _ q: UnsafePointer<UInt8>) -> (scale: UInt8, min: UInt8) {
        if j < 4 { return (q[j] & 63, q[j &+ 4] & 63) }
        return ((q[j &+ 4] & 0xF) | ((q[j &- 4] >> 6) << 4), (q[j &+ 4] >> 4) | ((q[j] >> 6) << 4))
    }

    /// Q3_K 6-bit scales (stored `l + 32`) into `scales[12]`, which must start zeroed.
    @inline(__always)
    static func packQ3Scale(_ l: UInt8, index j: Int, into q: UnsafeMutablePointer<UInt8>) {
        if j < 8 { q[j] = l & 0xF } else { q[j &- 8] |= (l & 0xF) << 4 }
        q[j % 4 &+ 8] |= (l >> 4) << UInt8(2 &* (j / 4))
    }

    /// The signed 6-bit Q3_K scale of sub-block `j` (`l − 32`).
    @inline(__always)
    static func q3Scale(_ j: Int, _ q: UnsafePointer<UInt8>) -> Int {
        let low = j < 8 ? q[j] & 0xF : q[j &- 8] >> 4
        return Int(low | (((q[8 &+ j % 4] >> UInt8(2 &* (j / 4))) & 3) << 4)) &- 32
    }
}
