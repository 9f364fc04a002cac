/// IEEE binary16 ("F16") storage conversions, bit-exact with ggml.
///
/// - ``toFloat(_:)`` is exact; a NaN keeps its sign and payload and gets the quiet bit
///   (`sign | 0x7FC00000 | payload << 13`), as ggml's conversion does.
/// - ``fromFloat(_:)`` rounds to nearest, ties to even, with correct subnormals; values from
///   65520 up become infinity; a NaN becomes `0x7E00 | sign` (payload dropped).
///
/// Pure integer arithmetic, so the result never depends on the CPU's half-precision support.
public enum HalfPrecision {
    /// The float32 value of an F16 bit pattern.
    @inlinable
    public static func toFloat(_ half: UInt16) -> Float {
        let sign = UInt32(half & 0x8000) << 16
        let exponent = UInt32(half >> 10) & 0x1F
        let mantissa = UInt32(half & 0x03FF)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa · 2⁻²⁴, exact in float32.
            let magnitude = Float(mantissa) * 0x1p-24
            return Float(bitPattern: sign | magnitude.bitPattern)
        case 31:
            if mantissa == 0 { return Float(bitPattern: sign | 0x7F80_0000) }
            return Float(bitPattern: sign | 0x7FC0_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: sign | ((exponent &+ 112) << 23) | (mantissa << 13))
        }
    }

    /// The F16 bit pattern nearest to `value` (round to nearest even).
    @inlinable
    public static func fromFloat(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: (bits >> 16) & 0x8000)
        let magnitude = bits & 0x7FFF_FFFF
        if magnitude > 0x7F80_0000 { return sign | 0x7E00 }            // NaN
        if magnitude >= 0x477F_F000 { return sign | 0x7C00 }           // ≥ 65520 (and ∞) → ∞
        if magnitude >= 0x3880_0000 {                                  // normal in F16
            let rounded = magnitude &+ 0x0FFF &+ ((magnitude >> 13) & 1)
            return sign | UInt16(truncatingIfNeeded: (rounded >> 13) &- (112 << 10))
        }
        // Subnormal (or zero) in F16: round(value / 2⁻²⁴) to nearest even.
        let exponent = magnitude >> 23
        if exponent < 102 { return sign }                              // below 2⁻²⁵: rounds to 0
        let significand = (magnitude & 0x007F_FFFF) | 0x0080_0000
        let shift = 126 &- exponent                                    // 14 ... 24
        let halfway = UInt32(1) << (shift &- 1)
        let remainder = significand & ((UInt32(1) << shift) &- 1)
        var result = significand >> shift
        if remainder > halfway || (remainder == halfway && (result & 1) == 1) { result &+= 1 }
        return sign | UInt16(truncatingIfNeeded: result)
    }

    /// All 65,536 F16 bit patterns decoded, indexed by the pattern; used by row conversions.
    public static let table: [Float] = (0...0xFFFF).map { toFloat(UInt16($0)) }

    /// Decodes `count` little-endian F16 values from unaligned memory.
    public static func decode(_ source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>) {
        table.withUnsafeBufferPointer { lookup in
            for i in 0..<count {
                let half = source.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self)
                destination[i] = lookup[Int(UInt16(littleEndian: half))]
            }
        }
    }

    /// Encodes `count` floats as little-endian F16 into unaligned memory.
    public static func encode(_ source: UnsafePointer<Float>, count: Int, into destination: UnsafeMutableRawPointer) {
        for i in 0..<count {
            destination.storeBytes(of: fromFloat(source[i]).littleEndian, toByteOffset: i &* 2, as: UInt16.self)
        }
    }
}

/// bfloat16 ("BF16") storage conversions, bit-exact with ggml.
///
/// Decoding is `bits << 16`. Encoding rounds to nearest even without flushing subnormals;
/// a NaN becomes `(bits >> 16) | 0x40` (forced quiet).
public enum BFloat16 {
    /// The float32 value of a BF16 bit pattern.
    @inlinable
    public static func toFloat(_ bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }

    /// The BF16 bit pattern nearest to `value` (round to nearest even).
    @inlinable
    public static func fromFloat(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if bits & 0x7FFF_FFFF > 0x7F80_0000 {
            return UInt16(truncatingIfNeeded: bits >> 16) | 0x40
        }
        return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
    }

    /// Decodes `count` little-endian BF16 values from unaligned memory.
    public static func decode(_ source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>) {
        for i in 0..<count {
            let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self))
            destination[i] = toFloat(bits)
        }
    }

    /// Encodes `count` floats as little-endian BF16 into unaligned memory.
    public static func encode(_ source: UnsafePointer<Float>, count: Int, into destination: UnsafeMutableRawPointer) {
        for i in 0..<count {
            destination.storeBytes(of: fromFloat(source[i]).littleEndian, toByteOffset: i &* 2, as: UInt16.self)
        }
    }
}
