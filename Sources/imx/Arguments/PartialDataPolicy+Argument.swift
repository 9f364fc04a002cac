import ArgumentParser
import IMatrix

/// `--partial-data keep|fill-one|ik|skip|prior=W`.
extension PartialDataPolicy: ExpressibleByArgument, OptionValue {
    public init?(argument: String) {
        guard let policy = try? PartialDataPolicy(parsing: argument) else { return nil }
        self = policy
    }

    public var defaultValueDescription: String { description }

    /// - Throws: ``ImatrixError`` with field `--partial-data`, whatever `option` says.
    static func parse(_ text: String, option: String) throws -> Self {
        try PartialDataPolicy(parsing: text)
    }
}
