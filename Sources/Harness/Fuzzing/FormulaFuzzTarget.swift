import GGUF
import Quantization
import Weighting

/// `formula`: the formula parser (names with parameters, `expr:` expressions, JSON formulas,
/// comma-separated lists), then each parsed formula's weights on a few probe elements — the
/// compiled expression program runs, so a stack or slot mistake in it shows.
public final class FormulaFuzzTarget: FuzzTarget {
    public let name = "formula"
    public let errorPrefix: String? = "formula '"
    let registry = FormulaRegistry.standard
    let x: [Float] = [0, 1, -2.5, 1e-30, 3e38, -0.0, 7, 0.125]
    let importance: [Float] = [1, 0, 2, 1e-20, 5, 1, 0.5, 100]

    public init() {}

    public func seeds() -> [[UInt8]] {
        ["llama", "qw", "uniform", "lognormal(0.5)", "lognormal(lambda=0.25)", "floor(eps=0.1)",
         "pow(qw, 0.8)*sqrt(2*sigma2 + x*x)", "expr:qw^2 + mean_qw/n_tokens", "-(-x)*abs(log(qw+1))",
         "min(max(qw, 0.1), exp(x))", "llama,lognormal(0.5),pow(qw, 0.8)*x*x",
         #"{"name": "expr", "expression": "a*qw + n_tokens", "parameters": {"a": 3}}"#,
         #"{"name": "lognormal", "lambda": 0.5}"#].map { Array($0.utf8) }
    }

    public var dictionary: [[UInt8]] {
        ["qw", "x", "sigma2", "mean_qw", "n_tokens", "sqrt(", "abs(", "log(", "exp(", "pow(", "min(", "max(", "(", ")",
         ",", "+", "-", "*", "/", "^", "1e999", "1e-45", "nan", "inf", "0x10", "expr:", "{", "}", "\"name\"", "\"expr\"",
         "\"expression\"", "\"parameters\"", "lambda=", "eps=", "llama", "lognormal", "floor", "=", "\u{0}", "é"].map { Array($0.utf8) }
    }

    public func run(_ input: UnsafeRawBufferPointer) throws {
        let text = String(decoding: input, as: UTF8.self)
        let formulas = try registry.parseList(text)
        var weights = [Float](repeating: 0, count: x.count)
        for formula in formulas {
            for hasImportance in [true, false] {
                guard let weighting = formula.applicable(hasImportance: hasImportance)
                    .weighting(context: FormulaContext(meanImportance: 2, tokenCount: 512), hasImportance: hasImportance) else { continue }
                for type in [GGMLType.q4_K, .q6_K] {
                    weights.withUnsafeMutableBufferPointer { out in
                        x.withUnsafeBufferPointer { values in
                            importance.withUnsafeBufferPointer { qw in
                                weighting.fill(out.baseAddress!, x: values.baseAddress!,
                                               importance: hasImportance ? qw.baseAddress! : nil,
                                               count: out.count, span: WeightSpan(type: type, sigma2: 0.75))
                            }
                        }
                    }
                }
            }
        }
    }
}
