import IMatrix
import Model
import Weighting

/// A sweep as written in a JSON config (documented by `configs/schema.json`): which model,
/// which texts, how to get the imatrix, which types on which tensors, which formulas over
/// which parameter grids, which metrics, where the results go.
///
/// Relative paths are relative to the config file's folder; `${VAR}` and `${VAR:-default}`
/// expand from the environment. Unknown keys are errors (a typo must not silently change a
/// sweep). Load and validate with ``SweepConfigLoader``.
public struct SweepConfig: Codable, Sendable, Equatable {
    /// Names the sweep (and the default output folder `runs/NAME` under the current directory).
    public var name: String
    /// The GGUF model.
    public var model: String
    /// The calibration text(s): the imatrix is computed from them (concatenated).
    public var calibration: TextSet
    /// Held-out text(s) for the end-to-end scores (must differ from the calibration text).
    public var evaluation: TextSet
    /// How the imatrix is obtained.
    public var imatrix: ImatrixSettings?
    /// Swept types; a recipe rule with type `TYPE` gets each of them in turn. Empty: the
    /// recipe's fixed types make one point per formula.
    public var types: [QuantizableType]?
    /// Which tensors get which type: the first rule whose regex matches a tensor name wins;
    /// `keep` leaves a tensor as the model stores it; unmatched tensors are kept.
    public var recipe: [RecipeRule]
    /// Formulas: a name or expression string, or an object whose array values are grids
    /// (`{"name": "lognormal", "lambda": [0, 0.5, 1]}` is three points).
    public var formulas: [FormulaSpec]
    /// The formula the report compares every other with (default `llama`; added if missing).
    public var baseline: String?
    /// `rmse` (per-tensor errors, always computed), `kld`, `ppl` (end-to-end); default all.
    public var metrics: [SweepMetric]?
    /// Also score end to end on the calibration text (default true).
    public var calibrationMetrics: Bool?
    public var threads: Int?
    /// The output folder, relative to the config's folder (default `runs/NAME` under the
    /// current directory; `imx sweep -o DIR` overrides both).
    public var output: String?
    /// `ggml` (default: inputs rounded as ggml's CPU backend) or `f32`.
    public var activations: ActivationPrecision?

    /// Texts and how they are chunked.
    public struct TextSet: Codable, Sendable, Equatable {
        public var texts: [String]
        /// Tokens per chunk (default 512).
        public var context: Int?
        /// At most this many chunks (default all).
        public var chunks: Int?
    }

    /// The imatrix: an existing file, or computed from the calibration text. Each setting may be
    /// an axis (an array of values): the sweep then computes one imatrix per combination and
    /// runs the grid on each.
    public struct ImatrixSettings: Codable, Sendable, Equatable {
        /// Reuse this imatrix file (GGUF or legacy .dat) instead of computing one.
        public var file: String?
        /// The text(s) to compute from (default: the calibration texts); an axis is an array of lists.
        public var texts: SweepAxis<[String]>?
        /// Chunk length for computing (default: the calibration context).
        public var context: SweepAxis<Int>?
        /// Chunks to compute from (default: the calibration chunks).
        public var chunks: SweepAxis<Int>?
        /// Partial-data policy when writing the computed file (`keep`, `fill-one`, `ik`, `skip`, `prior=W`).
        public var partialData: SweepAxis<PartialDataPolicy>?
        /// `--override-kv` for computing the imatrix (`KEY=TYPE:VALUE`, llama.cpp's syntax), e.g.
        /// `qwen3moe.expert_used_count=int:16`; the evaluation reads the model as it is. An axis
        /// is an array of lists.
        public var overrideKV: SweepAxis<[String]>?
    }

    /// One recipe line.
    public struct RecipeRule: Codable, Sendable, Equatable {
        /// A regular expression searched in the tensor name.
        public var tensors: String
        /// A type name (`Q4_K`), `TYPE` for the swept type, or `keep`.
        public var type: String
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, model, calibration, evaluation, imatrix, types, recipe, formulas, baseline, metrics
        case calibrationMetrics = "calibration_metrics"
        case threads, output, activations
    }
}

extension SweepConfig.ImatrixSettings {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case file, texts, context, chunks
        case partialData = "partial_data"
        case overrideKV = "override_kv"
    }
}
