import ArgumentParser
import Weighting

/// A `--formula` value: the text as given and the ``FormulaSpec`` read from it (a JSON object
/// or a formula text). The registry builds the formula in `validate()`; errors quote the text.
struct FormulaArgument: OptionValue, Sendable, CustomStringConvertible {
    let text: String
    let spec: FormulaSpec

    /// `llama`, ggml's own rule: the default.
    static let llama = FormulaArgument(text: "llama", spec: .text("llama"))

    init(text: String, spec: FormulaSpec) {
        self.text = text
        self.spec = spec
    }

    init(_ text: String) throws(FormulaError) {
        self.text = text
        spec = try FormulaSpec(parsing: text)
    }

    init?(argument: String) {
        guard let value = try? FormulaArgument(argument) else { return nil }
        self = value
    }

    static func parse(_ text: String, option: String) throws -> FormulaArgument { try FormulaArgument(text) }

    /// A comma-separated list; commas inside parentheses or braces belong to the formula.
    static func list(_ text: String) throws(FormulaError) -> [FormulaArgument] {
        var arguments: [FormulaArgument] = []
        for part in FormulaRegistry.splitList(text) { arguments.append(try FormulaArgument(part)) }
        return arguments
    }

    /// The formula, from the standard registry.
    func formula() throws(FormulaError) -> any WeightFormula {
        try FormulaRegistry.standard.formula(spec, text: text)
    }

    var description: String { text }
    var defaultValueDescription: String { text }
}
