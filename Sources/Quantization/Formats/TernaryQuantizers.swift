import GGUF

/// TQ1_0 (54-byte super-blocks: qs[48], qh[4], d) and TQ2_0 (66 bytes: qs[64], d): ternary
/// values {−1, 0, 1}·d with d = max |x|, rounded with `lroundf` (half away from zero). ggml
/// ignores the importance for both.
enum TernaryQuantizers {
    /// `lroundf(x·id) + 1` ∈ {0, 1, 2}.
    @inline(__always)
    private static func trit(_ x: Float, _ id: Float) -> UInt8 {
        UInt8(truncatingIfNeeded: Int((x * id).rounded()) &+ 1)
    }

    /// d = max |x| stored as fp16 at `offset`; returns 1/d (0 for an all-zero block).
    @inline(__always)
    private static func scale(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<UInt8>, at offset: Int) -> Float {
        var amax: Float = 0
        for j in 0..<256 {
            let v = abs(x[j])
            amax = amax > v ? amax : v
        }
        y.storeHalf(Rounding.half(amax), at: offset)
        return amax != 0 ? 1 / amax : 0
    }

    /// Packs `count` trits (stride `stride` from `x`) base 3, most significant first, then maps
    /// them to a byte with ggml's ceiling division by 243.
    @inline(__always)
    private static func packFive(_ x: UnsafePointer<Float>, _ id: Float, count: Int, stride: Int, shift: Bool) -> UInt8 {
        var q: UInt8 = 0
        for n in 0..<count { q = q &* 3 &+ trit(x[n &* stride], id) }
        if shift { q = q &* 3 }
        return UInt8(truncatingIfNeeded: (UInt16(q) &* 256 &+ 242) / 243)
    }

    static func tq1_0(_ row: RowContext, into out: UnsafeMutablePointer<UInt8>) {
        row.forEachBlock(bytes: 54, into: out) { _, x, y in
            let id = scale(x, into: y, at: 52)
            for m in 0..<32 { y[m] = packFive(x + m, id, count: 5, stride: 32, shift: false) }
            for m in 0..<16 { y[32 &+ m] = packFive(x + (160 &+ m), id, count: 5, stride: 16, shift: false) }
            for j in 0..<4 { y[48 &+ j] = packFive(x + (240 &+ j), id, count: 4, stride: 4, shift: true) }
        }
    }

    static func tq2_0(_ row: RowContext, into out: UnsafeMutablePointer<UInt8>) {
        row.forEachBlock(bytes: 66, into: out) { _, x, y in
            let id = scale(x, into: y, at: 64)
            for j in stride(from: 0, to: 64, by: 32) {
                for m in 0..<32 {
                    var q: UInt8 = 0
                    for n in 0..<4 { q = q &+ ((trit(x[4 &* j &+ m &+ 32 &* n], id) & 3) << UInt8(2 &* n)) }
                    y[j &+ m] = q
                }
            }
        }
    }
}
