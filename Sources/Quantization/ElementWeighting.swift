import GGUF

/// The context a quantizer gives a weighting for one span of elements (a sub-block, block or
/// super-block, as ggml computes weights for that type).
public struct WeightSpan: Sendable {
    /// The type being quantized.
    public var type: GGMLType
    /// σ² as ggml computes it for this type (`c · mean x²` over the type's span: the whole row
    /// for Q4_0…Q5_1, the 256-super-block for the K-quants and IQ4_XS with c = 1 for Q2_K and
    /// c = 2 otherwise, the 32-block with c = 2 for IQ4_NL). Q6_K does not use σ² in ggml; it
    /// gets the c = 2 super-block value here.
    public var sigma2: Float

    public init(type: GGMLType, sigma2: Float) {
        self.type = type
        self.sigma2 = sigma2
    }
}

/// Produces the per-element weights that a quantizer's search minimises Σ w·(x − x̂)² with.
///
/// The quantizers own the search routines (identical to ggml's); a weighting only decides the
/// weights, so formulas can be swapped without touching the search.
public protocol ElementWeighting: Sendable {
    /// Writes `count` weights for the elements `x[0..<count]`. `importance` points at the same
    /// columns' importance (imatrix) values, or is nil when there is none.
    func fill(
        _ weights: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>,
        importance: UnsafePointer<Float>?, count: Int, span: WeightSpan)
}

/// ggml's own importance weighting: `qw · sqrtf(σ² + x²)` with the type's σ², and `qw` alone for
/// Q6_K. With this weighting the quantizers reproduce `ggml_quantize_chunk` with an imatrix.
/// Without importance it uses qw = 1.
public struct GGMLImportanceWeighting: ElementWeighting {
    public init() {}

    public func fill(
        _ weights: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>,
        importance: UnsafePointer<Float>?, count: Int, span: WeightSpan
    ) {
        let sigma2 = span.sigma2
        if span.type == .q6_K {
            for i in 0..<count { weights[i] = importance?[i] ?? 1 }
            return
        }
        if let importance {
            for i in 0..<count { weights[i] = importance[i] * (sigma2 + x[i] * x[i]).squareRoot() }
        } else {
            for i in 0..<count { weights[i] = (sigma2 + x[i] * x[i]).squareRoot() }
        }
    }
}
