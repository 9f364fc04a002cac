import ArgumentParser
import IMatrix

/// `--zero-count ones|skip`.
extension ImportanceMatrix.ZeroCountPolicy: ExpressibleByArgument, OptionValue {
    static func parse(_ text: String, option: String) throws -> Self {
        guard let policy = Self(rawValue: text) else {
            throw CommandError("\(option) must be \(allCases.map(\.rawValue).joined(separator: " or ")), got '\(text)'")
        }
        return policy
    }
}
