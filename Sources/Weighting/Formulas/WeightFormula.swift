import GGUF
import Quantization

/// Per-tensor (or per-expert) statistics a formula may use: constants while one matrix is
/// quantized.
public struct FormulaContext: Sendable {
    /// Arithmetic mean of the raw importance over the matrix's columns (1 without importance).
    public var meanImportance: Float
    /// Tokens the importance was collected from for this matrix (0 when unknown).
    public var tokenCount: Float

    public init(meanImportance: Float = 1, tokenCount: Float = 0) {
        self.meanImportance = meanImportance
        self.tokenCount = tokenCount
    }
}

/// An importance-weighting formula: turns (importance `qw`, weight `x`, the type's `σ²`,
/// per-tensor statistics) into the per-element weights the ggml search minimises with.
///
/// A formula is a value: the quantizers' search routines are shared and only the weights
/// change. Formulas are made by name from a ``FormulaRegistry``.
public protocol WeightFormula: Sendable, CustomStringConvertible {
    /// The formula as the user can write it again (e.g. `lognormal(lambda=0.25)`).
    var description: String { get }
    /// Whether the formula reads the importance (`qw`); such formulas need an imatrix.
    var needsImportance: Bool { get }
    /// The weighting to quantize one matrix with. `nil` selects ggml's reference
    /// (no-importance) path; only `llama` without importance returns nil.
    func weighting(context: FormulaContext, hasImportance: Bool) -> (any ElementWeighting)?
}

/// A formula given as a closure over one element; the common shape of the built-ins.
struct ElementFormula: ElementWeighting {
    let body: @Sendable (_ qw: Float, _ x: Float, _ sigma2: Float) -> Float

    func fill(
        _ weights: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>,
        importance: UnsafePointer<Float>?, count: Int, span: WeightSpan
    ) {
        let sigma2 = span.sigma2
        if let importance {
            for i in 0..<count { weights[i] = body(importance[i], x[i], sigma2) }
        } else {
            for i in 0..<count { weights[i] = body(1, x[i], sigma2) }
        }
    }
}

/// A formula whose Q6_K weights drop the magnitude factor, as ggml's Q6_K does (`qw` alone).
struct MagnitudeFreeForQ6K: ElementWeighting {
    let general: ElementFormula
    let q6K: ElementFormula

    func fill(
        _ weights: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>,
        importance: UnsafePointer<Float>?, count: Int, span: WeightSpan
    ) {
        (span.type == .q6_K ? q6K : general).fill(weights, x: x, importance: importance, count: count, span: span)
    }
}

/// A formula that changes the importance itself before its weighting reads it (shrinking an
/// expert's importance toward its tensor's pooled importance by the expert's token count).
public protocol ImportanceAdjusting: WeightFormula {
    /// The importance to quantize one matrix with, from its own (`qw`, one value per column),
    /// the tokens behind it and its tensor's pooled importance (nil when unknown).
    func adjustedImportance(_ own: [Float], tokenCount: Float, pooled: [Float]?) -> [Float]
}

extension WeightFormula {
    /// The importance the quantizer reads for a matrix: `own`, or what an ``ImportanceAdjusting``
    /// formula makes of it. The error metrics always use `own`.
    public func quantizerImportance(_ own: [Float], tokenCount: Float, pooled: [Float]?) -> [Float] {
        (self as? any ImportanceAdjusting)?.adjustedImportance(own, tokenCount: tokenCount, pooled: pooled) ?? own
    }

    /// The formula to quantize a tensor with: itself, or, when it needs an importance matrix
    /// and the tensor has none (e.g. token_embd), `llama`, which then takes ggml's no-imatrix path.
    public func applicable(hasImportance: Bool) -> any WeightFormula {
        !hasImportance && needsImportance ? LlamaFormula() : self
    }
}
