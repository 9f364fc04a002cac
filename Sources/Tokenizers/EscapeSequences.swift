/// The escape sequences llama.cpp's tools expand in `-f` text and prompts by default
/// (`--no-escape` turns it off): `\n \r \t \' \" \\` and `\xHH`; any other backslash pair is kept
/// as written. So imx tokenizes text with backslashes (code, regular expressions, LaTeX) as
/// llama-imatrix and llama-perplexity do.
public enum EscapeSequences {
    /// `bytes` with the escapes expanded, byte for byte as llama.cpp's `string_process_escapes`.
    public static func process(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(backslash) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        let count = bytes.count
        while i < count {
            let byte = bytes[i]
            guard byte == backslash, i + 1 < count else {
                out.append(byte)
                i += 1
                continue
            }
            let next = bytes[i + 1]
            i += 2
            switch next {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "'"), UInt8(ascii: "\""), backslash: out.append(next)
            case UInt8(ascii: "x") where i + 1 < count:
                // Two characters read as C's strtol(…, 16) would, consumed only when both are used.
                if let value = hexValue(bytes[i], bytes[i + 1]) {
                    out.append(value)
                    i += 2
                } else {
                    out.append(backslash)
                    out.append(next)
                }
            default:
                out.append(backslash)
                out.append(next)
            }
        }
        return out
    }

    static let backslash = UInt8(ascii: "\\")

    /// The byte `strtol` makes of the two characters `a b` in base 16 when it reads both of them
    /// (leading white space and a sign allowed, as in C), else nil.
    static func hexValue(_ a: UInt8, _ b: UInt8) -> UInt8? {
        func digit(_ c: UInt8) -> Int? {
            switch c {
            case 0x30...0x39: Int(c - 0x30)
            case 0x41...0x46: Int(c - 0x41 + 10)
            case 0x61...0x66: Int(c - 0x61 + 10)
            default: nil
            }
        }
        if let high = digit(a), let low = digit(b) { return UInt8(high * 16 + low) }
        let space: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D]
        guard let low = digit(b) else { return nil }
        if space.contains(a) || a == UInt8(ascii: "+") { return UInt8(low) }
        if a == UInt8(ascii: "-") { return UInt8(truncatingIfNeeded: -low) }
        return nil
    }
}
