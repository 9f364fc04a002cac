/// UTF-8 decoding and encoding with llama.cpp's tolerance: a byte that does not start a
/// well-formed sequence (a stray continuation byte, a truncated sequence, a lead byte above
/// 0xF7) becomes U+FFFD and decoding resumes at the next byte. Overlong forms and surrogates
/// are decoded as their value, as llama.cpp does.
enum LenientUTF8 {
    /// Appends the code points of `bytes` to `scalars`; returns the offset of the first invalid
    /// byte, or nil when all of it was well-formed.
    @discardableResult
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, into scalars: inout [UInt32]) -> Int? {
        var firstInvalid: Int?
        var i = 0
        let n = bytes.count
        scalars.reserveCapacity(scalars.count + n)
        while i < n {
            let lead = UInt32(bytes[i])
            if lead & 0x80 == 0 { scalars.append(lead); i &+= 1; continue }
            var length = 0
            var value: UInt32 = 0
            if lead & 0x40 == 0 {
                length = 0
            } else if lead & 0x20 == 0 {
                length = 2; value = lead & 0x1F
            } else if lead & 0x10 == 0 {
                length = 3; value = lead & 0x0F
            } else if lead & 0x08 == 0 {
                length = 4; value = lead & 0x07
            }
            var valid = length > 0 && i + length <= n
            if valid {
                for k in 1..<length {
                    let byte = UInt32(bytes[i + k])
                    if byte & 0xC0 != 0x80 { valid = false; break }
                    value = value << 6 | (byte & 0x3F)
                }
            }
            if valid {
                scalars.append(value)
                i &+= length
            } else {
                if firstInvalid == nil { firstInvalid = i }
                scalars.append(0xFFFD)
                i &+= 1
            }
        }
        return firstInvalid
    }

    /// The offset of the first byte of `bytes` that llama.cpp would replace, or nil.
    static func firstInvalidOffset(_ bytes: [UInt8]) -> Int? {
        var scratch: [UInt32] = []
        return bytes.withUnsafeBufferPointer { decode($0, into: &scratch) }
    }

    /// Appends the UTF-8 encoding of `value` to `bytes`.
    @inline(__always)
    static func encode(_ value: UInt32, into bytes: inout [UInt8]) {
        switch value {
        case ..<0x80:
            bytes.append(UInt8(value))
        case ..<0x800:
            bytes.append(UInt8(0xC0 | (value >> 6)))
            bytes.append(UInt8(0x80 | (value & 0x3F)))
        case ..<0x1_0000:
            bytes.append(UInt8(0xE0 | (value >> 12)))
            bytes.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (value & 0x3F)))
        default:
            bytes.append(UInt8(0xF0 | ((value >> 18) & 0x07)))
            bytes.append(UInt8(0x80 | ((value >> 12) & 0x3F)))
            bytes.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (value & 0x3F)))
        }
    }
}
