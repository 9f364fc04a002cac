/// Makes text from a file or a flag safe to print in a one-line error: control characters
/// become visible escapes and long values are cut in the middle, so a damaged name (NUL, ESC,
/// newlines, a 58 KB string) cannot break the line or flood the terminal.
public enum ErrorText {
    /// The longest value ``value(_:limit:)`` keeps whole.
    public static let valueLimit = 160
    /// The longest message ``line(_:limit:)`` keeps whole.
    public static let lineLimit = 1000

    /// `text` with control and invisible format characters escaped (`\n`, `\t`, `\r`, `\0`, else
    /// `\u{1B}`; also a leading combining mark, which would join the text before it), cut to
    /// about `limit` characters: the start and the end are kept around `… (N characters cut) …`.
    public static func value(_ text: String, limit: Int = valueLimit) -> String {
        let count = text.count
        guard count > 4 * limit else { return cut(escaped(text), limit: limit) }
        // Escape only what can be shown: the ends, then cut with the true length.
        let head = escaped(String(text.prefix(limit))), tail = escaped(String(text.suffix(limit)))
        let widest = " … (\(count) characters cut) … ".count
        let keep = max(1, (limit - widest) / 2)
        return "\(head.prefix(keep))… (\(count - 2 * keep) characters cut) …\(tail.suffix(keep))"
    }

    /// A whole message made one line: as ``value(_:limit:)`` with the message limit.
    public static func line(_ text: String, limit: Int = lineLimit) -> String {
        value(text, limit: limit)
    }

    /// Whether `text` is printable on one line as it is.
    public static func isClean(_ text: String, limit: Int = lineLimit) -> Bool {
        text.count <= limit && !text.unicodeScalars.contains(where: isControl)
    }

    /// Control characters, line and paragraph separators, and invisible format characters
    /// (byte-order mark, bidirectional overrides, zero-width joiners).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
            || scalar.properties.generalCategory == .format
    }

    /// A combining mark, which at the start of a value would join the text before it.
    static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }

    /// Linear in the text's UTF-8 length (a damaged file can hand over megabytes).
    static func escaped(_ text: String) -> String {
        let leadingMark = text.unicodeScalars.first.map(isMark) ?? false
        guard leadingMark || text.unicodeScalars.contains(where: isControl) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 16)
        for (index, scalar) in text.unicodeScalars.enumerated() {
            guard isControl(scalar) || (index == 0 && leadingMark) else {
                bytes.append(contentsOf: String(scalar).utf8)
                continue
            }
            switch scalar.value {
            case 0x0A: bytes.append(contentsOf: "\\n".utf8)
            case 0x09: bytes.append(contentsOf: "\\t".utf8)
            case 0x0D: bytes.append(contentsOf: "\\r".utf8)
            case 0x00: bytes.append(contentsOf: "\\0".utf8)
            default: bytes.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".utf8)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func cut(_ text: String, limit: Int) -> String {
        let count = text.count
        guard count > limit, limit >= 16 else { return text }
        // The marker's own length depends on the number it shows: size it for the largest.
        let widest = " … (\(count) characters cut) … ".count
        let keep = max(1, (limit - widest) / 2)
        return "\(text.prefix(keep))… (\(count - 2 * keep) characters cut) …\(text.suffix(keep))"
    }
}
