import Quantization

/// `expr`: a formula written as an arithmetic expression over `qw`, `x`, `sigma2`, `mean_qw`,
/// `n_tokens` and named parameters, e.g. `pow(qw + 0.01*mean_qw, 0.8) * sqrt(2*sigma2 + x*x)`.
/// Parsed once; evaluated per element on a fixed stack without allocation.
public struct ExpressionFormula: WeightFormula {
    public let expression: String
    public let parameters: [String: Float]
    let program: ExpressionProgram

    /// Compiles `expression`; errors name the position.
    public init(_ expression: String, parameters: [String: Float] = [:]) throws(FormulaError) {
        let names = parameters.keys.sorted()
        for name in names where ExpressionProgram.variables.contains(name) {
            throw FormulaError(formula: expression, message: "parameter '\(name)' shadows a variable")
        }
        self.expression = expression
        self.parameters = parameters
        program = try ExpressionParser.compile(expression, parameters: names)
    }

    public var description: String {
        let extra = parameters.keys.sorted().map { "\($0)=\(parameters[$0]!)" }
        return extra.isEmpty ? expression : "\(expression) [\(extra.joined(separator: ", "))]"
    }

    public var needsImportance: Bool { program.usedSlots.contains(0) }

    public func weighting(context: FormulaContext, hasImportance: Bool) -> (any ElementWeighting)? {
        var values = [Float](repeating: 0, count: program.slots.count)
        values[0] = 1
        values[3] = context.meanImportance
        values[4] = context.tokenCount
        for (offset, name) in program.slots.enumerated().dropFirst(ExpressionProgram.variables.count) {
            values[offset] = parameters[name] ?? 0
        }
        return ExpressionWeighting(program: program, constants: values)
    }
}

/// Evaluates a compiled expression for every element of a span.
struct ExpressionWeighting: ElementWeighting {
    let program: ExpressionProgram
    let constants: [Float]

    func fill(
        _ weights: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>,
        importance: UnsafePointer<Float>?, count: Int, span: WeightSpan
    ) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: constants.count) { slots in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: max(1, program.stackDepth)) { stack in
                let values = slots.baseAddress!
                for (i, value) in constants.enumerated() { values[i] = value }
                values[2] = span.sigma2
                for i in 0..<count {
                    values[0] = importance?[i] ?? 1
                    values[1] = x[i]
                    weights[i] = program.evaluate(values, stack: stack.baseAddress!)
                }
            }
        }
    }
}
