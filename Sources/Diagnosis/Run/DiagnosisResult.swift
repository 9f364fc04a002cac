import Weighting

/// Everything `imx diagnose` found: per tensor the weight and activation structure, the error
/// decomposition, saliency and the scale search; per module family a summary; plain-language
/// findings. Encodes as snake_case JSON (``TensorDiagnosis/channels`` is left out).
public struct DiagnosisResult: Codable, Sendable {
    public var model: String
    public var text: String
    public var contextLength: Int
    public var chunks: Int
    public var tokens: Int
    /// The `--tensors` pattern.
    public var tensorPattern: String
    public var bits: [Int]
    public var groupSize: Int
    /// Sampled activation rows per tensor (0: no scale search).
    public var sampleRows: Int
    /// The extra formula compared with `llama` in the scale search, if any.
    public var formula: String?
    public var tensors: [TensorDiagnosis]
    public var families: [FamilySummary]
    public var findings: [String]

    public init(model: String, text: String, contextLength: Int, chunks: Int, tokens: Int, tensorPattern: String,
                bits: [Int], groupSize: Int, sampleRows: Int, formula: String?, tensors: [TensorDiagnosis],
                families: [FamilySummary], findings: [String]) {
        self.model = model
        self.text = text
        self.contextLength = contextLength
        self.chunks = chunks
        self.tokens = tokens
        self.tensorPattern = tensorPattern
        self.bits = bits
        self.groupSize = groupSize
        self.sampleRows = sampleRows
        self.formula = formula
        self.tensors = tensors
        self.families = families
        self.findings = findings
    }
}

/// One weight tensor's diagnosis.
public struct TensorDiagnosis: Codable, Sendable {
    public var name: String
    /// `N` of `blk.N.…`; nil outside the blocks.
    public var layer: Int?
    public var family: ModuleFamily
    /// Input features (columns) and output features (rows) of one matrix; experts in the stack.
    public var columns: Int
    public var rows: Int
    public var experts: Int
    public var storedType: String
    /// Tokens (routed rows for an expert stack) per expert; one value for a dense tensor.
    public var expertRows: [Double]
    public var weights: WeightStructure
    public var activations: ActivationStructure
    public var saliency: ChannelSaliency
    /// One per `--bits` value.
    public var decomposition: [ErrorDecomposition]
    /// One per `--bits` value; empty without sampled rows.
    public var scaleSearch: [ScaleSearch]
    /// Per-column profiles for the figures; not part of the JSON.
    public var channels: ChannelProfile?

    enum CodingKeys: String, CodingKey {
        case name, layer, family, columns, rows, experts, storedType, expertRows, weights, activations, saliency,
             decomposition, scaleSearch
    }

    public init(name: String, layer: Int?, family: ModuleFamily, columns: Int, rows: Int, experts: Int, storedType: String,
                expertRows: [Double], weights: WeightStructure, activations: ActivationStructure, saliency: ChannelSaliency,
                decomposition: [ErrorDecomposition], scaleSearch: [ScaleSearch], channels: ChannelProfile?) {
        self.name = name
        self.layer = layer
        self.family = family
        self.columns = columns
        self.rows = rows
        self.experts = experts
        self.storedType = storedType
        self.expertRows = expertRows
        self.weights = weights
        self.activations = activations
        self.saliency = saliency
        self.decomposition = decomposition
        self.scaleSearch = scaleSearch
        self.channels = channels
    }
}

/// A tensor's per-column numbers, in column order (pooled over experts).
public struct ChannelProfile: Sendable {
    /// Mean of x² per column (activation power).
    public var power: [Float]
    /// Saliency |W|·mean|x| per column.
    public var saliency: [Float]
    /// Weight quantization RMSE per column at the first `--bits` value.
    public var weightError: [Float]

    public init(power: [Float], saliency: [Float], weightError: [Float]) {
        self.power = power
        self.saliency = saliency
        self.weightError = weightError
    }
}

/// Means over the tensors of one module family.
public struct FamilySummary: Codable, Sendable {
    /// Per bit width: the mean scale-search numbers.
    public struct AtBits: Codable, Sendable {
        public var bits: Int
        public var meanBestAlpha: Double
        /// Mean of plainError / bestError.
        public var meanReduction: Double
        public var meanPlainError: Double
        public var meanBestError: Double
        /// Means of the ggml comparison errors, over the tensors compared fairly (ggml's type has
        /// these bits and is not the file's own type).
        public var meanGGMLLlamaError: Double?
        public var meanGGMLFormulaError: Double?
        /// Means over the same tensors of plainError ÷ ggml error (how much ggml's rounding cuts
        /// plain round-to-nearest's output error; higher is better).
        public var ggmlLlamaReduction: Double?
        public var ggmlFormulaReduction: Double?

        public init(bits: Int, meanBestAlpha: Double, meanReduction: Double, meanPlainError: Double, meanBestError: Double,
                    meanGGMLLlamaError: Double?, meanGGMLFormulaError: Double?, ggmlLlamaReduction: Double? = nil,
                    ggmlFormulaReduction: Double? = nil) {
            self.ggmlLlamaReduction = ggmlLlamaReduction
            self.ggmlFormulaReduction = ggmlFormulaReduction
            self.bits = bits
            self.meanBestAlpha = meanBestAlpha
            self.meanReduction = meanReduction
            self.meanPlainError = meanPlainError
            self.meanBestError = meanBestError
            self.meanGGMLLlamaError = meanGGMLLlamaError
            self.meanGGMLFormulaError = meanGGMLFormulaError
        }
    }

    public var family: ModuleFamily
    public var tensors: Int
    public var meanTop1PercentPowerShare: Double
    public var meanSaliencyTop1PercentShare: Double
    public var meanOutlierColumns: Double
    public var meanRelativeError: [Double]
    public var scaleSearch: [AtBits]

    public init(family: ModuleFamily, tensors: Int, meanTop1PercentPowerShare: Double, meanSaliencyTop1PercentShare: Double,
                meanOutlierColumns: Double, meanRelativeError: [Double], scaleSearch: [AtBits]) {
        self.family = family
        self.tensors = tensors
        self.meanTop1PercentPowerShare = meanTop1PercentPowerShare
        self.meanSaliencyTop1PercentShare = meanSaliencyTop1PercentShare
        self.meanOutlierColumns = meanOutlierColumns
        self.meanRelativeError = meanRelativeError
        self.scaleSearch = scaleSearch
    }
}
