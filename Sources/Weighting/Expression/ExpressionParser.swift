/// Parses a formula expression (`+ - * / ^`, parentheses, numbers, the element variables, named
/// parameters and `sqrt abs log exp pow min max`) into an ``ExpressionProgram``.
///
/// Grammar: `sum := product (('+'|'-') product)*`, `product := unary (('*'|'/') unary)*`,
/// `unary := '-' unary | power`, `power := primary ('^' unary)?`,
/// `primary := number | name | function '(' sum (',' sum)* ')' | '(' sum ')'`, nested at most
/// ``maximumNesting`` levels.
struct ExpressionParser {
    private let source: String
    private let tokens: [ExpressionToken]
    private let slots: [String]
    private var index = 0
    private var instructions: [ExpressionProgram.Instruction] = []
    private var depth = 0
    private var maxDepth = 0
    private var used: Set<Int> = []
    private var nesting = 0
    /// How deeply operators and parentheses may nest (the parser recurses once per level).
    static let maximumNesting = 256

    /// Compiles `source`; `parameters` are extra names the expression may use.
    static func compile(_ source: String, parameters: [String]) throws(FormulaError) -> ExpressionProgram {
        var parser = ExpressionParser(source: source, tokens: try ExpressionLexer.tokens(source),
                                      slots: ExpressionProgram.variables + parameters)
        try parser.parseSum()
        guard case .end = parser.current.kind else {
            throw parser.error("expected an operator or the end, found \(parser.current.text)")
        }
        return ExpressionProgram(instructions: parser.instructions, stackDepth: parser.maxDepth,
                                 slots: parser.slots, usedSlots: parser.used)
    }

    private init(source: String, tokens: [ExpressionToken], slots: [String]) {
        self.source = source
        self.tokens = tokens
        self.slots = slots
    }

    private var current: ExpressionToken { tokens[index] }

    private func error(_ message: String, at token: ExpressionToken? = nil) -> FormulaError {
        FormulaError(formula: source, position: (token ?? current).position, message: message)
    }

    private mutating func emit(_ instruction: ExpressionProgram.Instruction, stackChange: Int) {
        instructions.append(instruction)
        depth += stackChange
        maxDepth = max(maxDepth, depth)
    }

    private mutating func accept(_ symbol: Character) -> Bool {
        if case .symbol(symbol) = current.kind {
            index += 1
            return true
        }
        return false
    }

    private mutating func parseSum() throws(FormulaError) {
        try parseProduct()
        while true {
            if accept("+") { try parseProduct(); emit(.add, stackChange: -1) }
            else if accept("-") { try parseProduct(); emit(.subtract, stackChange: -1) }
            else { return }
        }
    }

    private mutating func parseProduct() throws(FormulaError) {
        try parseUnary()
        while true {
            if accept("*") { try parseUnary(); emit(.multiply, stackChange: -1) }
            else if accept("/") { try parseUnary(); emit(.divide, stackChange: -1) }
            else { return }
        }
    }

    private mutating func parseUnary() throws(FormulaError) {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maximumNesting else {
            throw error("the expression nests more than \(Self.maximumNesting) levels deep")
        }
        if accept("-") {
            try parseUnary()
            emit(.negate, stackChange: 0)
            return
        }
        try parsePrimary()
        if accept("^") {
            try parseUnary()
            emit(.power, stackChange: -1)
        }
    }

    private mutating func parsePrimary() throws(FormulaError) {
        let token = current
        switch token.kind {
        case .number(let value):
            index += 1
            emit(.constant(value), stackChange: 1)
        case .symbol("("):
            index += 1
            try parseSum()
            guard accept(")") else { throw error("expected ')', found \(current.text)") }
        case .identifier(let name):
            index += 1
            if case .symbol("(") = current.kind {
                try parseCall(name, at: token)
            } else if let slot = slots.firstIndex(of: name) {
                used.insert(slot)
                emit(.load(slot), stackChange: 1)
            } else {
                let known = slots.joined(separator: ", ")
                throw error("unknown name '\(name)' (variables and parameters: \(known))", at: token)
            }
        default:
            throw error("expected a number, a name or '(', found \(token.text)")
        }
    }

    private mutating func parseCall(_ name: String, at token: ExpressionToken) throws(FormulaError) {
        guard let function = ExpressionProgram.Function(rawValue: name) else {
            let known = ExpressionProgram.Function.allCases.map(\.rawValue).joined(separator: ", ")
            throw error("unknown function '\(name)' (functions: \(known))", at: token)
        }
        index += 1   // "("
        var arguments = 0
        repeat {
            try parseSum()
            arguments += 1
        } while accept(",")
        guard accept(")") else { throw error("expected ',' or ')', found \(current.text)") }
        guard arguments == function.arity else {
            throw error("\(name) takes \(function.arity) argument\(function.arity == 1 ? "" : "s"), got \(arguments)", at: token)
        }
        emit(.function(function), stackChange: 1 - arguments)
    }
}
