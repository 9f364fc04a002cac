import Weighting

/// Which weighting formula each tensor is quantized with: `--formula REGEX=F` rules, the first
/// whose pattern the tensor's name contains a match of, else the default (`--formula F`,
/// `llama` when none is given).
public struct FormulaRules: Sendable {
    /// One `REGEX=F` rule.
    public struct Rule: @unchecked Sendable {
        // @unchecked: Regex is immutable once compiled.
        public let pattern: String
        let regex: Regex<AnyRegexOutput>
        public let formula: any WeightFormula
    }

    public private(set) var defaultFormula: any WeightFormula = LlamaFormula()
    public private(set) var rules: [Rule] = []

    public init() {}

    /// Every tensor with `formula`.
    public init(default formula: any WeightFormula) {
        defaultFormula = formula
    }

    /// Adds one `--formula` argument: a formula the registry parses is the default; otherwise
    /// `REGEX=F`, split at the first `=`, is a rule.
    /// - Throws: ``QuantizeError`` naming the argument when neither reading works.
    public mutating func add(_ argument: String, registry: FormulaRegistry = .standard) throws(QuantizeError) {
        let whole: FormulaError
        do {
            defaultFormula = try registry.parse(argument)
            return
        } catch {
            whole = error
        }
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
            throw QuantizeError(file: "--formula", field: argument, message: "\(whole)", cause: whole)
        }
        let pattern = String(argument[..<equals])
        let text = String(argument[argument.index(after: equals)...])
        let formula: any WeightFormula
        do { formula = try registry.parse(text) } catch {
            throw QuantizeError(file: "--formula", field: argument, message: "\(error)", cause: error)
        }
        let regex: Regex<AnyRegexOutput>
        do { regex = try Regex(pattern) } catch {
            throw QuantizeError(file: "--formula", field: argument, message: "'\(pattern)' is not a regular expression", cause: error)
        }
        rules.append(Rule(pattern: pattern, regex: regex, formula: formula))
    }

    /// The formula for tensor `name`.
    public func formula(for name: String) -> any WeightFormula {
        rules.first { name.contains($0.regex) }?.formula ?? defaultFormula
    }

    /// True when every tensor uses llama.cpp's own rule, so the output is llama-quantize's.
    public var isLlamaOnly: Bool {
        defaultFormula is LlamaFormula && rules.allSatisfy { $0.formula is LlamaFormula }
    }

    /// The rules as they would be written again, `REGEX=F`.
    public var ruleDescriptions: [String] { rules.map { "\($0.pattern)=\($0.formula)" } }
}
