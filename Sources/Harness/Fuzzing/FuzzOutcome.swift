/// What one execution did, as far as the driver can tell in process.
///
/// An error is clean when its description is one line the user can read: no line break, no
/// raw control byte, at most ``maximumLength`` characters, and (for file readers) starting
/// with the name the input was read under. Anything else is an unclean error, a finding. The
/// signature — the error with numbers and quoted values blanked out — tells the driver whether
/// an input reached a new place in the reader (it then joins the corpus).
public enum FuzzOutcome: Sendable, Equatable {
    case accepted
    case clean(signature: String)
    case unclean(reason: String, message: String)

    /// Longest error description that still counts as one readable line.
    public static let maximumLength = 1000

    /// The outcome of an execution that threw `error`.
    public static func of(_ error: any Error, prefix: String?) -> FuzzOutcome {
        if error is FuzzInvariantError { return .unclean(reason: "invariant", message: "\(error)") }
        let text = "\(error)"
        if text.isEmpty { return .unclean(reason: "empty message", message: text) }
        if text.count > maximumLength { return .unclean(reason: "\(text.count) characters", message: text) }
        if text.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) {
            return .unclean(reason: "several lines", message: text)
        }
        if let bad = text.unicodeScalars.first(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{FEFF}" }) {
            return .unclean(reason: "raw control character (U+\(String(bad.value, radix: 16, uppercase: true)))", message: text)
        }
        if let prefix, !text.hasPrefix(prefix) {
            return .unclean(reason: "does not name the input '\(prefix)'", message: text)
        }
        return .clean(signature: signature(String(text.dropFirst(prefix?.count ?? 0)), type: "\(type(of: error))"))
    }

    /// `text` with digit runs as `#` and quoted spans as `'…'`, cut to 120 characters.
    static func signature(_ text: String, type: String) -> String {
        var result = type + ":"
        var quote: Character?
        var lastWasDigit = false
        for c in text {
            if let open = quote {
                if c == open { quote = nil; result.append(c) }
                continue
            }
            if c == "'" || c == "\"" { quote = c; result.append(c); result.append("…"); continue }
            if c.isNumber {
                if !lastWasDigit { result.append("#") }
                lastWasDigit = true
                continue
            }
            lastWasDigit = false
            result.append(c)
            if result.count >= 120 { break }
        }
        return result
    }
}
