/// GPT-2's byte-to-character mapping: byte-level BPE vocabularies spell every byte as a
/// printable character — bytes `!`…`~`, `¡`…`¬` and `®`…`ÿ` as themselves, the other 68 bytes
/// as U+0100 onwards in byte order (so the space is `Ġ`, the newline `Ċ`).
enum ByteLevelAlphabet {
    /// The code point standing for each byte.
    static let scalarOfByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            if printable {
                table[byte] = UInt32(byte)
            } else {
                table[byte] = next
                next += 1
            }
        }
        return table
    }()

    /// The UTF-8 bytes of the character standing for each byte.
    static let encodedByte: [[UInt8]] = scalarOfByte.map { scalar in
        var bytes: [UInt8] = []
        LenientUTF8.encode(scalar, into: &bytes)
        return bytes
    }

    /// The byte a character stands for, or nil when it is not in the alphabet.
    static func byte(of scalar: UInt32) -> UInt8? {
        byteOfScalar[scalar]
    }

    private static let byteOfScalar: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (byte, scalar) in scalarOfByte.enumerated() { map[scalar] = UInt8(byte) }
        return map
    }()
}
