import GGUF
import Kernels

/// How a ``TransformerModel`` uses the machine.
public struct ModelOptions: Sendable, Equatable {
    /// Threads for BLAS, dequantization and row operations.
    public var threads: Int
    /// Memory for weights kept between products: the mapped blocks of weights the integer
    /// products read, and float32 copies of the others. Weights that do not fit (and are not
    /// stored as F32) are read from the file at each use — dequantized into a scratch buffer for
    /// the float path — and their pages leave the resident set after it.
    public var weightCacheBytes: Int
    /// How inputs meet quantized weights: rounded as ggml's CPU backend does (the default), or
    /// in plain float32.
    public var activationPrecision: ActivationPrecision
    /// With ggml's rounding: whether weights of the types with a ``QuantizedProduct`` kernel
    /// (Q4_0, Q5_0, Q8_0, Q4_K, Q5_K, Q6_K, IQ4_NL, IQ4_XS) stay in their blocks and meet the
    /// rounded input in integer products, as llama.cpp's CPU backend computes them (the
    /// default), or are dequantized to float32 for sgemm. The two agree within float rounding.
    public var quantizedProducts: Bool
    /// `--override-kv`: the model is read as if its file held these values
    /// (``GGUFFile/overriding(_:)``).
    public var metadataOverrides: [MetadataOverride] = []

    /// The default budget: 512 MiB, which holds every block weight of a ~300M-parameter model
    /// while its large embedding/output matrix streams through a scratch buffer.
    public static let defaultWeightCacheBytes = 512 << 20

    public init(threads: Int = Parallel.processorCount, weightCacheBytes: Int = ModelOptions.defaultWeightCacheBytes,
                activationPrecision: ActivationPrecision = .ggmlCPU, quantizedProducts: Bool = true,
                metadataOverrides: [MetadataOverride] = []) {
        self.threads = max(1, threads)
        self.weightCacheBytes = max(0, weightCacheBytes)
        self.activationPrecision = activationPrecision
        self.quantizedProducts = quantizedProducts
        self.metadataOverrides = metadataOverrides
    }
}

/// The numerics of the products with quantized (and f16/bf16) weights.
public enum ActivationPrecision: String, Sendable, Equatable, CaseIterable {
    /// As llama.cpp's CPU backend: each product's input is first rounded to the weight type's
    /// dot-product format (8-bit blocks `q8_0`/`q8_K` for quantized weights, f16/bf16 for
    /// half-precision weights). Perplexity and imatrix then agree with llama.cpp's closely.
    case ggmlCPU = "ggml"
    /// Every product takes the float32 input unrounded (closer to the unquantized model).
    case float32 = "f32"
}
