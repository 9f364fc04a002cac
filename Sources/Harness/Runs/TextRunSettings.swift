import GGUF
import Kernels
import Model

/// What every run of a model over a text in chunks shares (`imx compute`, `imx perplexity`,
/// `imx diagnose`): the two inputs, the chunking, and how the model computes.
public struct TextRunSettings: Sendable {
    public var modelPath: String
    public var textPath: String
    /// Tokens per chunk (`-c`).
    public var contextLength = 512
    /// At most this many chunks; nil = all.
    public var chunks: Int?
    /// Tokens per forward batch (llama.cpp's `-b`); chunks per batch = max(1, batch / context).
    public var batchTokens = 2048
    public var threads = Parallel.processorCount
    /// Bytes of weights kept as float32 (`--memory`).
    public var weightCacheBytes = ModelOptions.defaultWeightCacheBytes
    /// How inputs meet quantized weights (ggml's rounding by default).
    public var activationPrecision = ActivationPrecision.ggmlCPU
    /// Integer products on the weights' own blocks (``ModelOptions/quantizedProducts``).
    public var quantizedProducts = true
    /// `--override-kv` (``ModelOptions/metadataOverrides``).
    public var metadataOverrides: [MetadataOverride] = []
    /// Expand llama.cpp's escape sequences in the text (`--no-escape` turns it off).
    public var processEscapes = true

    public init(modelPath: String, textPath: String) {
        self.modelPath = modelPath
        self.textPath = textPath
    }

    /// The model options these settings ask for.
    public var modelOptions: ModelOptions {
        ModelOptions(threads: threads, weightCacheBytes: weightCacheBytes, activationPrecision: activationPrecision,
                     quantizedProducts: quantizedProducts, metadataOverrides: metadataOverrides)
    }
}

/// A run's settings that include the shared ``TextRunSettings``; its fields read and write as the
/// run's own (`settings.contextLength` is `settings.text.contextLength`).
@dynamicMemberLookup
public protocol TextRunConfigured {
    var text: TextRunSettings { get set }
}

extension TextRunConfigured {
    public subscript<Value>(dynamicMember field: WritableKeyPath<TextRunSettings, Value>) -> Value {
        get { text[keyPath: field] }
        set { text[keyPath: field] = newValue }
    }
}
