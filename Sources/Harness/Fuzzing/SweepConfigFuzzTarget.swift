import Foundation

/// `sweep-config`: the sweep config loader (JSON syntax, types, unknown keys, `${VAR}`
/// expansion, paths), then what `imx sweep --dry-run` checks next without a model: the
/// formula grid and the tensor recipe. The loader takes a path: each input is written to a
/// scratch file first.
public final class SweepConfigFuzzTarget: FuzzTarget {
    public let name = "sweep-config"
    let scratch = ScratchFile(name: "sweep.json")
    public var errorPrefix: String? { scratch.path + ": " }
    public var scratchPath: String? { scratch.path }

    public init() {}

    public func seeds() -> [[UInt8]] {
        [#"""
        {"name": "fuzz", "model": "${IMX_MODELS:-../models}/m.gguf",
         "calibration": {"texts": ["c.txt"], "context": 512, "chunks": 4},
         "evaluation": {"texts": ["e.txt"], "context": 256, "chunks": 2},
         "imatrix": {"context": 512, "chunks": 8, "partial_data": "keep"},
         "types": ["Q4_K", "Q2_K"], "recipe": [{"tensors": "^blk\\.\\d+\\.ffn_down\\.weight$", "type": "TYPE"},
                                               {"tensors": "attn", "type": "keep"}],
         "formulas": ["llama", {"name": "lognormal", "lambda": [0, 0.5]}, {"name": "expr", "expression": "a*qw", "parameters": {"a": [1, 2]}}],
         "metrics": ["rmse", "kld"], "calibration_metrics": false, "threads": 2, "output": "out"}
        """#].map { Array($0.utf8) }
    }

    public var dictionary: [[UInt8]] {
        ["{", "}", "[", "]", ",", ":", "\"", "\\", "\\u0000", "\\ud800", "null", "true", "false", "-0", "1e999", "64.5",
         "9223372036854775808", "-1", "\"name\"", "\"model\"", "\"calibration\"", "\"evaluation\"", "\"imatrix\"",
         "\"texts\"", "\"context\"", "\"chunks\"", "\"types\"", "\"recipe\"", "\"tensors\"", "\"type\"", "\"formulas\"",
         "\"baseline\"", "\"metrics\"", "\"threads\"", "\"output\"", "\"activations\"", "\"partial_data\"",
         "${HOME}", "${UNSET_FUZZ_VARIABLE}", "${X:-y}", "${", "../", "/", "(?<", "\\p{", "[^", "*+", "TYPE", "keep",
         "\"expr\"", "\"lognormal\"", "\"lambda\"", "\"expression\"", "\"parameters\""].map { Array($0.utf8) }
    }

    public func run(_ input: UnsafeRawBufferPointer) throws {
        try scratch.write(input)
        let config = try SweepConfigLoader.load(path: scratch.path)
        _ = try FormulaGrid.expand(config.formulas, file: scratch.path)
        _ = try TensorRecipe(config.recipe, sweeps: !(config.types ?? []).isEmpty, file: scratch.path)
    }

    public func finish() { scratch.remove() }
}
