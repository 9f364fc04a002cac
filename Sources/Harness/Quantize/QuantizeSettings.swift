import GGUF
import Quantization

/// Everything `imx quantize` is asked to do: llama-quantize's options plus the formulas.
public struct QuantizeSettings: Sendable {
    public var input: String
    /// The output path (ignored by a dry run).
    public var output: String
    public var fileType: QuantizationFileType
    public var threads: Int
    public var imatrix: String?
    /// `--include-weights` / `--exclude-weights`: substrings of imatrix entry names.
    public var includeWeights: [String] = []
    public var excludeWeights: [String] = []
    public var pure = false
    public var leaveOutputTensor = false
    public var outputTensorType: GGMLType?
    public var tokenEmbeddingType: GGMLType?
    public var tensorTypes: [TensorTypeOverride] = []
    public var allowRequantize = false
    public var metadataOverrides: [MetadataOverride] = []
    public var dryRun = false
    public var keepSplit = false
    public var formulas = FormulaRules()

    public init(input: String, output: String, fileType: QuantizationFileType, threads: Int) {
        self.input = input
        self.output = output
        self.fileType = fileType
        self.threads = threads
    }
}
