import Kernels

/// The integer roundings and fp16 helpers that ggml's quantizers use; each one is a literal
/// port because the bytes depend on the exact rounding rule.
enum Rounding {
    /// ggml's `nearest_int`: the 12582912 magic-number trick, round half to even (valid for
    /// |f| ≤ 4194303; beyond that it returns the same garbage as the C code).
    @inline(__always)
    static func nearestInt(_ value: Float) -> Int {
        let shifted = value + 12_582_912
        return Int(Int32(bitPattern: shifted.bitPattern & 0x007F_FFFF)) &- 0x0040_0000
    }

    /// `MAX(lo, MIN(hi, value))` on integers.
    @inline(__always)
    static func clamp(_ value: Int, _ lo: Int, _ hi: Int) -> Int {
        value < lo ? lo : (value > hi ? hi : value)
    }

    /// The fp16 bits of `value` (ggml's `GGML_FP32_TO_FP16`).
    @inline(__always)
    static func half(_ value: Float) -> UInt16 { HalfPrecision.fromFloat(value) }

    /// `value` rounded through fp16 and read back (`GGML_FP16_TO_FP32(GGML_FP32_TO_FP16(v))`).
    @inline(__always)
    static func halfRoundTrip(_ bits: UInt16) -> Float { HalfPrecision.toFloat(bits) }

    /// ggml's `best_index_int8`: the index of the entry of the sorted table `values` nearest to
    /// `x`; a tie between two neighbours goes to the upper index. The table holds ggml's int8
    /// values converted to float, which is what C compares with.
    @inline(__always)
    static func bestIndex(_ values: UnsafePointer<Float>, count: Int, _ x: Float) -> Int {
        if x <= values[0] { return 0 }
        if x >= values[count &- 1] { return count &- 1 }
        var low = 0
        var high = count &- 1
        while high &- low > 1 {
            let middle = (low &+ high) >> 1
            if x < values[middle] { high = middle } else { low = middle }
        }
        return x - values[high &- 1] < values[high] - x ? high &- 1 : high
    }
}

/// Little-endian stores into a block.
extension UnsafeMutablePointer where Pointee == UInt8 {
    @inline(__always)
    func storeHalf(_ bits: UInt16, at offset: Int) {
        self[offset] = UInt8(truncatingIfNeeded: bits)
        self[offset &+ 1] = UInt8(truncatingIfNeeded: bits >> 8)
    }

    @inline(__always)
    func storeWord(_ word: UInt32, at offset: Int) {
        self[offset] = UInt8(truncatingIfNeeded: word)
        self[offset &+ 1] = UInt8(truncatingIfNeeded: word >> 8)
        self[offset &+ 2] = UInt8(truncatingIfNeeded: word >> 16)
        self[offset &+ 3] = UInt8(truncatingIfNeeded: word >> 24)
    }
}
