import ArgumentParser

/// A typed option value: `parse(_:option:)` reads it from the option's text or throws imx's
/// one-line error naming the option. Declare the option with `transform: T.reader("--name")`
/// so that a bad value prints that line (see ``ArgumentFailure``) instead of argument-parser's
/// generic message; the ExpressibleByArgument conformance gives help and completion.
protocol OptionValue: ExpressibleByArgument {
    static func parse(_ text: String, option: String) throws -> Self
}

extension OptionValue {
    /// The `transform:` of the option named `option`.
    static func reader(_ option: String) -> @Sendable (String) throws -> Self {
        { try parse($0, option: option) }
    }
}
