import Foundation

/// Weight formulas by name, with parameters: `llama`, `qw`, `abs-x`, `x2`, `sigma2-plus-x2`,
/// `sqrt-sigma2-plus-x2`, `uniform`, `lognormal(lambda)`, `floor(eps)`, `shrink(k)`,
/// `lognormal-n(k)` and `expr`.
///
/// A formula is written as `NAME`, `NAME(value, …)` / `NAME(param=value, …)`, a JSON object
/// `{"name": "lognormal", "lambda": 0.25}` (`{"name": "expr", "expression": "…", "parameters": {…}}`),
/// or an arithmetic expression (optionally prefixed `expr:`). Other names can be registered.
public struct FormulaRegistry: Sendable {
    /// How to make one named formula from its parameters.
    public struct Entry: Sendable {
        /// Parameter names in positional order, with their defaults.
        public var parameters: [(name: String, defaultValue: Float)]
        public var summary: String
        public var make: @Sendable ([String: Float]) throws(FormulaError) -> any WeightFormula

        public init(parameters: [(name: String, defaultValue: Float)] = [], summary: String,
                    make: @escaping @Sendable ([String: Float]) throws(FormulaError) -> any WeightFormula) {
            self.parameters = parameters
            self.summary = summary
            self.make = make
        }
    }

    private(set) var entries: [String: Entry] = [:]

    /// The built-in formulas.
    public static let standard: FormulaRegistry = {
        var registry = FormulaRegistry()
        func fixed(_ formula: any WeightFormula, _ summary: String) -> Entry {
            Entry(summary: summary) { _ throws(FormulaError) in formula }
        }
        registry.register("llama", fixed(LlamaFormula(), "ggml's rule: qw·sqrt(σ²+x²), Q6_K qw alone; ggml's reference path without imatrix"))
        registry.register("qw", fixed(ElementRuleFormula.importanceOnly, "qw (diagonal Hessian)"))
        registry.register("abs-x", fixed(ElementRuleFormula.absoluteValue, "|x|"))
        registry.register("x2", fixed(ElementRuleFormula.square, "x²"))
        registry.register("uniform", fixed(ElementRuleFormula.uniform, "1"))
        registry.register("sigma2-plus-x2", fixed(ElementRuleFormula.sigmaPlusSquare, "qw·(σ²+x²) (qw = 1 without imatrix)"))
        registry.register("sqrt-sigma2-plus-x2", fixed(ElementRuleFormula.rootSigmaPlusSquare, "sqrt(σ²+x²), no imatrix"))
        registry.register("lognormal", Entry(parameters: [("lambda", 0)], summary: "qw^(1-λ)·sqrt(σ²+x²); λ = 0 is llama") {
            p throws(FormulaError) in LogNormalFormula(lambda: p["lambda"]!)
        })
        registry.register("floor", Entry(parameters: [("eps", 0.01)], summary: "(qw + ε·mean_qw)·sqrt(σ²+x²); ε = 0 is llama") {
            p throws(FormulaError) in FloorFormula(epsilon: p["eps"]!)
        })
        registry.register("shrink", Entry(parameters: [("k", 64)], summary: "llama on (Σx²_e + k·m̄)/(n_e + k): each expert's qw pulled toward its tensor's pooled mean m̄ by its token count; k = 0 is llama") {
            p throws(FormulaError) in
            guard p["k"]! >= 0 else { throw FormulaError(formula: "shrink(k=\(p["k"]!))", message: "k must be at least 0") }
            return ShrinkFormula(k: p["k"]!)
        })
        registry.register("lognormal-n", Entry(parameters: [("k", 64)], summary: "lognormal with λ = k/(k + n) per matrix from its token count n") {
            p throws(FormulaError) in
            guard p["k"]! >= 0 else { throw FormulaError(formula: "lognormal-n(k=\(p["k"]!))", message: "k must be at least 0") }
            return LogNormalByCountFormula(k: p["k"]!)
        })
        return registry
    }()

    public init() {}

    /// Adds (or replaces) a named formula.
    public mutating func register(_ name: String, _ entry: Entry) { entries[name] = entry }

    /// The registered names, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// A one-line summary per registered formula.
    public func summaries() -> [(name: String, summary: String)] { names.map { ($0, entries[$0]!.summary) } }

    /// The formula `name` with `parameters` (defaults fill the rest; unknown keys are errors).
    public func formula(named name: String, parameters: [String: Float] = [:], text: String? = nil) throws(FormulaError) -> any WeightFormula {
        let text = text ?? name
        guard let entry = entries[name] else {
            throw FormulaError(formula: text, message: "unknown formula name '\(name)' (known: \(names.joined(separator: ", ")), or an expression)")
        }
        var values: [String: Float] = [:]
        for (parameter, value) in entry.parameters { values[parameter] = value }
        for (key, value) in parameters {
            guard values[key] != nil else {
                let known = entry.parameters.map(\.name)
                throw FormulaError(formula: text, message: "\(name) has no parameter '\(key)'" + (known.isEmpty ? " (it takes none)" : " (parameters: \(known.joined(separator: ", ")))"))
            }
            guard value.isFinite else { throw FormulaError(formula: text, message: "parameter '\(key)' must be finite") }
            values[key] = value
        }
        return try entry.make(values)
    }

    /// The formula a ``FormulaSpec`` describes; `text` (default: the spec's description) is
    /// what errors quote. A parameter that is still a grid is an error: expand grids first.
    public func formula(_ spec: FormulaSpec, text: String? = nil) throws(FormulaError) -> any WeightFormula {
        let text = text ?? spec.description
        func values(_ parameters: [String: FormulaParameter]) throws(FormulaError) -> [String: Float] {
            var values: [String: Float] = [:]
            for (key, parameter) in parameters {
                switch parameter {
                case .value(let value): values[key] = Float(value)
                case .grid: throw FormulaError(formula: text, message: "\"\(key)\" must be a number")
                }
            }
            return values
        }
        switch spec {
        case .text(let written): return try parse(written)
        case .named(let name, let parameters): return try formula(named: name, parameters: try values(parameters), text: text)
        case .expression(let expression, let parameters): return try ExpressionFormula(expression, parameters: try values(parameters))
        }
    }

    /// Parses one formula as written on the command line or in a config (see the type's doc).
    public func parse(_ text: String) throws(FormulaError) -> any WeightFormula {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { throw FormulaError(formula: text, message: "empty formula") }
        if trimmed.hasPrefix("{") { return try formula(try FormulaSpec(parsing: trimmed), text: trimmed) }
        if trimmed.hasPrefix("expr:") { return try ExpressionFormula(String(trimmed.dropFirst(5))) }
        if entries[trimmed] != nil { return try formula(named: trimmed, text: text) }
        if let open = trimmed.firstIndex(of: "("), trimmed.hasSuffix(")"),
           case let name = String(trimmed[..<open]), entries[name] != nil {
            let inside = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
            return try formula(named: name, parameters: try arguments(String(inside), of: name, text: text), text: text)
        }
        if trimmed.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), trimmed.first != "-", trimmed.contains("-") || trimmed.first?.isLetter == true,
           !ExpressionProgram.variables.contains(trimmed) {
            // A bare word that is neither a formula nor a variable: report it as an unknown name.
            throw FormulaError(formula: text, message: "unknown formula name '\(trimmed)' (known: \(names.joined(separator: ", ")), or an expression)")
        }
        return try ExpressionFormula(trimmed)
    }

    /// Parses a comma-separated list of formulas; commas inside parentheses or braces belong to
    /// the formula (`lognormal(0.5),pow(qw, 0.8)*x*x`).
    public func parseList(_ text: String) throws(FormulaError) -> [any WeightFormula] {
        var formulas: [any WeightFormula] = []
        for part in Self.splitList(text) { formulas.append(try parse(part)) }
        return formulas
    }

    /// The formulas of a comma-separated list, as written: split at commas outside
    /// parentheses, brackets and braces.
    public static func splitList(_ text: String) -> [String] {
        var parts: [String] = []
        var depth = 0
        var current = ""
        for c in text {
            if c == "(" || c == "{" || c == "[" { depth += 1 }
            if c == ")" || c == "}" || c == "]" { depth -= 1 }
            if c == "," && depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current)
        return parts
    }

    private func arguments(_ inside: String, of name: String, text: String) throws(FormulaError) -> [String: Float] {
        let positional = entries[name]?.parameters.map(\.name) ?? []
        var values: [String: Float] = [:]
        let items = inside.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if items == [""] { return [:] }
        for (offset, item) in items.enumerated() {
            let pieces = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let key = pieces.count == 2 ? pieces[0] : (offset < positional.count ? positional[offset] : "#\(offset + 1)")
            guard let last = pieces.last, let value = Float(last) else {
                throw FormulaError(formula: text, message: "argument '\(item)' of \(name) is not a number")
            }
            values[key] = value
        }
        return values
    }
}
