import Kernels

/// A formula that cannot be built: an unknown name, a bad parameter, or an expression that does
/// not parse. One line, with the position for expressions, e.g.
/// `formula 'pow(qw,)': position 8: expected an expression, found ')'`.
public struct FormulaError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The formula text as given.
    public var formula: String
    /// 1-based character position in `formula`, for expression errors.
    public var position: Int?
    /// The explanation.
    public var message: String

    public init(formula: String, position: Int? = nil, message: String) {
        self.formula = formula
        self.position = position
        self.message = message
    }

    public var description: String {
        ErrorText.line("formula '\(ErrorText.value(formula))': " + (position.map { "position \($0): " } ?? "") + message)
    }
}
