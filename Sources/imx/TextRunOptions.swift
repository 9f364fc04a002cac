import ArgumentParser
import GGUF
import Harness
import Model

/// The options of commands that run a model over a text in chunks (`perplexity`, `compute`):
/// `-m`, `-f`, `-c`, `--chunks`, `-b`, `--memory`, `--f32-activations`, `--float-products`.
struct TextRunOptions: ParsableArguments {
    @Option(name: [.short, .customLong("model")], help: "The GGUF model.")
    var model: String

    @Option(name: [.customShort("f"), .customLong("file")],
            help: "The text (one trailing newline removed, as llama.cpp's -f); compute stores its path as the dataset name.")
    var file: String

    @Option(name: [.short, .customLong("context")], help: "Tokens per chunk.")
    var context = 512

    @Option(help: "At most this many chunks (default: all).")
    var chunks: Int?

    @Option(name: [.short, .customLong("batch-size")], help: "Tokens per forward batch; chunks per batch = max(1, batch / context).")
    var batchSize = 2048

    @Option(help: "MiB of memory for weights kept as float32; the rest is dequantized before each use.")
    var memory = ModelOptions.defaultWeightCacheBytes >> 20

    @Flag(name: .customLong("f32-activations"),
          help: "Multiply quantized weights with unrounded float32 inputs instead of rounding them to 8-bit blocks as llama.cpp's CPU backend does.")
    var float32Activations = false

    @Flag(name: .customLong("float-products"),
          help: "Multiply every quantized weight as dequantized float32 with sgemm instead of in integers on its own blocks (same rounding, same result within float rounding; slower, for comparison).")
    var floatProducts = false

    @Option(name: .customLong("override-kv"),
            help: "KEY=TYPE:VALUE[,…] with TYPE int, float, bool or str: read the model as if its file said so (llama.cpp's option; repeatable), e.g. qwen3moe.expert_used_count=int:16.")
    var overrideKV: [String] = []

    @Flag(name: .customLong("no-escape"),
          help: "Tokenize the text as written: do not expand \\n \\r \\t \\' \\\" \\\\ and \\xHH, which llama.cpp's tools (and imx) expand by default.")
    var noEscape = false

    /// `--override-kv`, parsed.
    var metadataOverrides: [MetadataOverride] {
        get throws { try overrideKV.flatMap { try MetadataOverride.parseList($0) } }
    }

    /// `--memory` in bytes.
    var weightCacheBytes: Int { memory << 20 }
    /// `--f32-activations` as the model option.
    var activationPrecision: ActivationPrecision { float32Activations ? .float32 : .ggmlCPU }

    /// The run settings these options give, with `threads` from `-t`.
    func settings(threads: Int) throws -> TextRunSettings {
        var settings = TextRunSettings(modelPath: model, textPath: file)
        settings.contextLength = context
        settings.chunks = chunks
        settings.batchTokens = batchSize
        settings.threads = threads
        settings.weightCacheBytes = weightCacheBytes
        settings.activationPrecision = activationPrecision
        settings.quantizedProducts = !floatProducts
        settings.metadataOverrides = try metadataOverrides
        settings.processEscapes = !noEscape
        return settings
    }

    func validate() throws {
        guard context >= 4 else { throw ValidationError("-c/--context must be at least 4, got \(context)") }
        if let chunks, chunks < 1 { throw ValidationError("--chunks must be at least 1, got \(chunks)") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
        guard memory >= 0 else { throw ValidationError("--memory must not be negative, got \(memory)") }
        _ = try metadataOverrides
    }
}
