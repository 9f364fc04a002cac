import ArgumentParser
import IMatrix

/// `--output-format gguf|dat`.
extension ImportanceMatrix.Format: ExpressibleByArgument, OptionValue {
    /// - Throws: `ValidationError` (a usage error, exit code 64, as before it was typed).
    static func parse(_ text: String, option: String) throws -> Self {
        guard let format = Self(rawValue: text) else {
            throw ValidationError("\(option) must be \(allCases.map(\.rawValue).joined(separator: " or ")), got '\(text)'")
        }
        return format
    }
}
