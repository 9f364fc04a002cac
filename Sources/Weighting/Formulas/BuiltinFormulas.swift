import Foundation
import Quantization

/// `llama`: exactly ggml's rule per type (`qw·sqrtf(σ²+x²)` with the type's σ², `qw` alone for
/// Q6_K); without importance, ggml's reference path. Its bytes equal `ggml_quantize_chunk`'s.
public struct LlamaFormula: WeightFormula {
    public init() {}
    public var description: String { "llama" }
    public var needsImportance: Bool { false }
    public func weighting(context: FormulaContext, hasImportance: Bool) -> (any ElementWeighting)? {
        hasImportance ? GGMLImportanceWeighting() : nil
    }
}

/// A fixed element rule (`qw`, `abs-x`, `x2`, `uniform`, `sigma2-plus-x2`,
/// `sqrt-sigma2-plus-x2`), the same for every type.
public struct ElementRuleFormula: WeightFormula {
    public let description: String
    public let needsImportance: Bool
    let rule: @Sendable (_ qw: Float, _ x: Float, _ sigma2: Float) -> Float

    public func weighting(context: FormulaContext, hasImportance: Bool) -> (any ElementWeighting)? {
        ElementFormula(body: rule)
    }

    static let importanceOnly = ElementRuleFormula(description: "qw", needsImportance: true) { qw, _, _ in qw }
    static let absoluteValue = ElementRuleFormula(description: "abs-x", needsImportance: false) { _, x, _ in abs(x) }
    static let square = ElementRuleFormula(description: "x2", needsImportance: false) { _, x, _ in x * x }
    static let uniform = ElementRuleFormula(description: "uniform", needsImportance: false) { _, _, _ in 1 }
    static let sigmaPlusSquare = ElementRuleFormula(description: "sigma2-plus-x2", needsImportance: false) { qw, x, s in
        qw * (s + x * x)
    }
    static let rootSigmaPlusSquare = ElementRuleFormula(description: "sqrt-sigma2-plus-x2", needsImportance: false) { _, x, s in
        (s + x * x).squareRoot()
    }
}

/// `lognormal(lambda)`: `qw^(1−λ) · sqrt(σ² + x²)` (Q6_K: `qw^(1−λ)`), i.e. shrinking log qw
/// toward a constant by λ (docs/weighting-spec.md §6.2). λ = 0 is `llama` bit for bit.
public struct LogNormalFormula: WeightFormula {
    public let lambda: Float
    public init(lambda: Float) { self.lambda = lambda }
    public var description: String { "lognormal(lambda=\(lambda))" }
    public var needsImportance: Bool { true }

    public func weighting(context: FormulaContext, hasImportance: Bool) -> (any ElementWeighting)? {
        if lambda == 0 { return GGMLImportanceWeighting() }
        let alpha = 1 - lambda
        return MagnitudeFreeForQ6K(
            general: ElementFormula { qw, x, s in powf(qw, alpha) * (s + x * x).squareRoot() },
            q6K: ElementFormula { qw, _, _ in powf(qw, alpha) })
    }
}

/// `floor(eps)`: `(qw + ε·mean_qw) · sqrt(σ² + x²)` (Q6_K: `qw + ε·mean_qw`), so a dead channel
/// keeps a small weight instead of zeroing its block. ε = 0 is `llama` bit for bit.
public struct FloorFormula: WeightFormula {
    public let epsilon: Float
    public init(epsilon: Float) { self.epsilon = epsilon }
    public var description: String { "floor(eps=\(epsilon))" }
    public var needsImportance: Bool { true }

    public func weighting(context: FormulaContext, hasImportance: Bool) -> (any ElementWeighting)? {
        if epsilon == 0 { return GGMLImportanceWeighting() }
        let floor = epsilon * context.meanImportance
        return MagnitudeFreeForQ6K(
            general: ElementFormula { qw, x, s in (qw + floor) * (s + x * x).squareRoot() },
            q6K: ElementFormula { qw, _, _ in qw + floor })
    }
}
