import Foundation
import Quantization

/// `shrink(k)`: llama's rule on an importance pulled toward the tensor's pooled importance by
/// the matrix's own token count: `(n·qw + k·m̄) / (n + k)` per column, i.e. `(Σx² + k·m̄)/(n + k)`
/// with `m̄` the tensor's token-weighted mean. An expert that saw few tokens (a noisy importance)
/// moves most of the way to `m̄`; one that saw many keeps its own. An expert with no tokens
/// gets `m̄` (llama.cpp substitutes 1). A dense tensor's pooled importance is its own, so
/// shrinking changes nothing there; k = 0 is `llama` bit for bit.
public struct ShrinkFormula: ImportanceAdjusting {
    /// Pseudo-tokens of the pooled importance: an expert with k tokens lands half-way.
    public let k: Float
    public init(k: Float) { self.k = k }
    public var description: String { "shrink(k=\(k))" }
    public var needsImportance: Bool { true }

    public func weighting(context: FormulaContext, hasImportance: Bool) -> (any ElementWeighting)? {
        LlamaFormula().weighting(context: context, hasImportance: hasImportance)
    }

    public func adjustedImportance(_ own: [Float], tokenCount: Float, pooled: [Float]?) -> [Float] {
        guard k > 0, let pooled, pooled.count == own.count else { return own }
        let n = max(0, tokenCount)
        var shrunk = own
        for j in shrunk.indices { shrunk[j] = (n * own[j] + k * pooled[j]) / (n + k) }
        return shrunk
    }
}

/// `lognormal-n(k)`: `lognormal(λ)` with a λ per matrix from its token count, `λ = k/(k + n)`:
/// `qw^(n/(k+n)) · sqrt(σ² + x²)` (Q6_K: `qw^(n/(k+n))`). A matrix with few tokens is flattened
/// toward uniform weights in log space; one with many keeps `llama`'s. With no tokens (or an
/// unknown count) λ is 1: `sqrt(σ² + x²)`.
public struct LogNormalByCountFormula: WeightFormula {
    public let k: Float
    public init(k: Float) { self.k = k }
    public var description: String { "lognormal-n(k=\(k))" }
    public var needsImportance: Bool { true }

    /// λ for a matrix that saw `tokenCount` tokens.
    public func lambda(tokenCount: Float) -> Float {
        let n = max(0, tokenCount)
        return k + n > 0 ? k / (k + n) : 1
    }

    public func weighting(context: FormulaContext, hasImportance: Bool) -> (any ElementWeighting)? {
        LogNormalFormula(lambda: lambda(tokenCount: context.tokenCount)).weighting(context: context, hasImportance: hasImportance)
    }
}
