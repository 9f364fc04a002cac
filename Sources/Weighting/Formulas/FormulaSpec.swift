import Foundation

/// A weighting formula as written, on the command line (`--formula`) or in a sweep config
/// (`formulas`): a text (`llama`, `lognormal(0.5)`, an expression) or a JSON object
/// (`{"name": "lognormal", "lambda": 0.25}`, `{"name": "expr", "expression": "…", "parameters": {…}}`).
///
/// Decoded once from JSON (``init(from:)``) or from an argument's text (``init(parsing:)``);
/// ``FormulaRegistry/formula(_:text:)`` builds the formula from it. In a sweep config a
/// parameter may be an array: a grid axis (see ``FormulaParameter/grid(_:)``).
public enum FormulaSpec: Sendable, Equatable {
    /// A name, `NAME(value, …)`, `NAME(param=value, …)`, an expression, or `expr:EXPRESSION`.
    case text(String)
    /// `{"name": NAME, PARAM: value, …}`: a registered formula with parameters.
    case named(String, parameters: [String: FormulaParameter])
    /// `{"name": "expr", "expression": EXPRESSION, "parameters": {…}}`.
    case expression(String, parameters: [String: FormulaParameter])

    /// The family: the registered name, `expr`, or for a text the part before `(` (the caller
    /// decides whether that names a registered formula).
    public var family: String {
        switch self {
        case .text(let text): text.split(separator: "(").first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? text
        case .named(let name, _): name
        case .expression: "expr"
        }
    }

    /// The parameters of an object (empty for a text).
    public var parameters: [String: FormulaParameter] {
        switch self {
        case .text: [:]
        case .named(_, let parameters), .expression(_, let parameters): parameters
        }
    }

    /// The same formula with `values` in place of those parameters (grid points).
    public func fixing(_ values: [String: Double]) -> FormulaSpec {
        var parameters = self.parameters
        for (key, value) in values { parameters[key] = .value(value) }
        switch self {
        case .text: return self
        case .named(let name, _): return .named(name, parameters: parameters)
        case .expression(let expression, _): return .expression(expression, parameters: parameters)
        }
    }
}

/// One parameter value of a formula object: a number, or (in a sweep config) an array of
/// numbers that is a grid axis.
public enum FormulaParameter: Sendable, Equatable {
    case value(Double)
    case grid([Double])
}
