import Foundation

/// Comma-separated values with RFC 4180 quoting: a field containing a comma, a double quote,
/// CR or LF is enclosed in double quotes, with its double quotes doubled. Records end with LF.
///
///     CSVText.record(["Q4_K/expr(a, b)", "1.5"])   // "\"Q4_K/expr(a, b)\",1.5\n"
public enum CSVText {
    /// One field, quoted when it has to be.
    public static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One record: the fields joined by commas, ending with a newline.
    public static func record(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }
}
