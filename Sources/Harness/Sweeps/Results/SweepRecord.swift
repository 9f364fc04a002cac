import Weighting

/// One finished grid point of a sweep: a line of `results.jsonl`.
///
/// A record holds everything the reports need, so a report can be rebuilt from the results
/// file alone (after `--resume`, or after `imx sweep-merge` joined shards). Wall times live in
/// ``seconds`` and are never part of the report, so an interrupted and resumed sweep reports
/// exactly what an uninterrupted one does.
public struct SweepRecord: Codable, Sendable, Equatable {
    /// Hash of everything that determines the numbers (model, texts, imatrix settings, recipe,
    /// evaluation settings); records of different fingerprints never mix.
    public var fingerprint: String
    /// Position in the expanded grid (types outer, formulas inner).
    public var index: Int
    /// The grid point's name, `TYPE/FORMULA`, e.g. `Q4_K/lognormal(lambda=0.25)`.
    public var variant: String
    /// The swept type (`Q4_K`), or the recipe's name when the recipe fixes every type; in a
    /// sweep with imatrix axes followed by `@` and the imatrix setting (`Q4_K@context=2048`).
    public var type: String
    /// The imatrix setting (`context=2048`) in a sweep with imatrix axes; nil without axes.
    public var imatrix: String?
    /// The formula as written back (`lognormal(lambda=0.25)`).
    public var formula: String
    /// The formula's family (`llama`, `lognormal`, `expr`, …): points of one family with
    /// different ``parameters`` form a parameter sweep.
    public var family: String
    /// The grid parameters of this point (`lambda: 0.25`); empty for fixed formulas.
    public var parameters: [String: Double]
    /// Per quantized tensor: the type it got and its errors against the imatrix.
    public var tensors: [TensorScore]
    /// End-to-end numbers on the evaluation text; nil when not requested.
    public var evaluation: EndToEndScore?
    /// The same on the calibration text (an over-fitting imatrix shows up as a gap).
    public var calibration: EndToEndScore?
    /// Wall time spent on this point (not part of any report).
    public var seconds: Timing

    public init(fingerprint: String, index: Int, variant: String, type: String, formula: String, family: String,
                parameters: [String: Double], tensors: [TensorScore], evaluation: EndToEndScore?,
                calibration: EndToEndScore?, seconds: Timing, imatrix: String? = nil) {
        self.fingerprint = fingerprint
        self.index = index
        self.variant = variant
        self.type = type
        self.imatrix = imatrix
        self.formula = formula
        self.family = family
        self.parameters = parameters
        self.tensors = tensors
        self.evaluation = evaluation
        self.calibration = calibration
        self.seconds = seconds
    }

    /// Errors of one quantized tensor (all its experts pooled), from the weighting issue's
    /// metrics: `rmse`, `weightedRMSE` (raw imatrix `qw`), `relativeWeightedError`.
    public struct TensorScore: Codable, Sendable, Equatable {
        public var name: String
        /// The block number (`blk.N.`), nil for tensors outside the blocks.
        public var layer: Int?
        /// The type the recipe asked for.
        public var requestedType: String
        /// The type used: the requested one, or llama-quantize's fallback when the row length is
        /// not a multiple of the requested type's block size.
        public var type: String
        /// The type the model file stores the tensor in.
        public var sourceType: String
        /// The error sums (exact, poolable by adding).
        public var totals: ErrorTotals
        /// Per expert, for expert stacks; nil for dense tensors.
        public var experts: [ExpertScore]?

        public init(name: String, layer: Int?, requestedType: String, type: String, sourceType: String,
                    totals: ErrorTotals, experts: [ExpertScore]?) {
            self.name = name
            self.layer = layer
            self.requestedType = requestedType
            self.type = type
            self.sourceType = sourceType
            self.totals = totals
            self.experts = experts
        }
    }

    /// Errors of one expert's matrix, with the tokens its importance came from.
    public struct ExpertScore: Codable, Sendable, Equatable {
        public var expert: Int
        /// Tokens routed to this expert during calibration (0: importance 1 was used).
        public var tokens: Double
        public var totals: ErrorTotals

        public init(expert: Int, tokens: Double, totals: ErrorTotals) {
            self.expert = expert
            self.tokens = tokens
            self.totals = totals
        }
    }

    /// End-to-end quality of the quantized model on one text, against the model as given
    /// (llama-perplexity's `--kl-divergence` statistics).
    public struct EndToEndScore: Codable, Sendable, Equatable {
        /// Scored predictions.
        public var tokens: Int
        /// Perplexity of the quantized model.
        public var perplexity: Double
        /// Perplexity of the model as given (equal to `imx perplexity` on the same text).
        public var basePerplexity: Double
        /// Mean KL divergence (base ‖ quantized), nats per token, and its ± (standard error).
        public var meanKLD: Double
        public var meanKLDUncertainty: Double
        public var medianKLD: Double
        /// 99th percentile of the per-token KL divergence.
        public var p99KLD: Double
        public var maxKLD: Double
        /// Fraction of predictions whose most likely token is the base model's.
        public var topAgreement: Double
        /// RMS of p(target) − p_base(target).
        public var rmsProbabilityChange: Double
        /// Against the type's baseline on the same tokens (nil for the baseline itself, and
        /// until the baseline has been scored).
        public var paired: PairedScore?

        public init(tokens: Int, perplexity: Double, basePerplexity: Double, meanKLD: Double, meanKLDUncertainty: Double,
                    medianKLD: Double, p99KLD: Double, maxKLD: Double, topAgreement: Double, rmsProbabilityChange: Double,
                    paired: PairedScore? = nil) {
            self.tokens = tokens
            self.perplexity = perplexity
            self.basePerplexity = basePerplexity
            self.meanKLD = meanKLD
            self.meanKLDUncertainty = meanKLDUncertainty
            self.medianKLD = medianKLD
            self.p99KLD = p99KLD
            self.maxKLD = maxKLD
            self.topAgreement = topAgreement
            self.rmsProbabilityChange = rmsProbabilityChange
            self.paired = paired
        }
    }

    /// Wall seconds per phase of this point.
    public struct Timing: Codable, Sendable, Equatable {
        public var quantization: Double
        public var evaluation: Double
        public var calibration: Double

        public init(quantization: Double = 0, evaluation: Double = 0, calibration: Double = 0) {
            self.quantization = quantization
            self.evaluation = evaluation
            self.calibration = calibration
        }
    }
}

/// What a report says about the sweep as a whole (the records carry the numbers).
public struct SweepDescription: Codable, Sendable, Equatable {
    /// The sweep's name (the config's `name`).
    public var name: String
    public var model: String
    public var calibrationTexts: [String]
    public var evaluationTexts: [String]
    /// The swept types in config order.
    public var types: [String]
    /// The formulas in grid order (descriptions as in ``SweepRecord/formula``).
    public var formulas: [String]
    /// The formula every other is compared with (shown as 1.00); normally `llama`.
    public var baseline: String
    /// The recipe, one rule per line (`regex → type`).
    public var recipe: [String]
    /// Grid points in the whole sweep (records may be fewer while it runs).
    public var gridSize: Int
    /// The imatrix settings the grid runs on, by label, with the file each was computed into;
    /// nil without imatrix axes.
    public var imatrixSettings: [ImatrixSettingDescription]?

    /// One imatrix setting of a sweep with imatrix axes.
    public struct ImatrixSettingDescription: Codable, Sendable, Equatable {
        /// `context=2048,chunks=16`.
        public var label: String
        /// The cache file its imatrix is computed into (`cache/imatrix-….gguf`).
        public var file: String
        public init(label: String, file: String) {
            self.label = label
            self.file = file
        }
    }

    public init(name: String, model: String, calibrationTexts: [String], evaluationTexts: [String], types: [String],
                formulas: [String], baseline: String, recipe: [String], gridSize: Int,
                imatrixSettings: [ImatrixSettingDescription]? = nil) {
        self.name = name
        self.model = model
        self.calibrationTexts = calibrationTexts
        self.evaluationTexts = evaluationTexts
        self.types = types
        self.formulas = formulas
        self.baseline = baseline
        self.recipe = recipe
        self.gridSize = gridSize
        self.imatrixSettings = imatrixSettings
    }
}
