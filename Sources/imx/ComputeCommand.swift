import ArgumentParser
import Foundation
import Harness
import IMatrix
import Model

/// `imx compute -m MODEL -f TEXT -o OUT …`: llama-imatrix with this project's forward pass.
struct ComputeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compute",
        abstract: "Compute an importance matrix (imatrix) from calibration text, as llama-imatrix does.",
        discussion: """
            The text is tokenized whole (BOS as the model says) and cut into chunks of -c tokens \
            whose first token is replaced by BOS; Σx² of the input of every blk.* weight is \
            collected over every token, per expert for expert tensors. The running perplexity \
            ([1]…,[2]…) goes to stdout unless --no-ppl, a progress line to stderr. The output is \
            saved every --output-frequency chunks, snapshots OUT.at_N every --save-frequency \
            chunks; to resume a killed run pass the last save with --in-file and the chunks it \
            holds with --from-chunk.
            """
    )

    @Option(name: [.short, .customLong("model")], help: "The GGUF model.")
    var model: String

    @Option(name: [.customShort("f"), .customLong("file")], help: "Calibration text (one trailing newline removed); its path is stored as the dataset name.")
    var file: String

    @OptionGroup var outputOptions: ImatrixOutputOptions

    @Option(name: [.short, .customLong("context")], help: "Tokens per chunk.")
    var context = 512

    @Option(help: "Process at most this many chunks (default: all).")
    var chunks: Int?

    @Option(name: [.customLong("from-chunk"), .customLong("chunk")], help: "Skip the first N chunks of the text.")
    var fromChunk = 0

    @Flag(name: .customLong("no-ppl"), help: "Do not compute perplexity (the output layer does not run at all).")
    var noPerplexity = false

    @Flag(name: .customLong("process-output"), help: "Also collect output.weight.")
    var processOutput = false

    @Flag(name: .customLong("parse-special"), help: "Tokenize special-token text (e.g. <start_of_turn>) as special tokens.")
    var parseSpecial = false

    @Option(name: .customLong("in-file"), help: "Imatrix file(s) to start from (comma-separated or repeated; GGUF or legacy, legacy scaled by -c).")
    var inFiles: [String] = []

    @Option(name: .customLong("output-frequency"), help: "Save to -o every N chunks.")
    var outputFrequency = 10

    @Option(name: .customLong("save-frequency"), help: "Also save snapshots OUT.at_N every N chunks (0: never).")
    var saveFrequency = 0

    @Option(name: [.short, .customLong("batch-size")], help: "Tokens per forward batch; chunks per batch = max(1, batch / context).")
    var batchSize = 2048

    @Option(help: "MiB of memory for weights kept as float32; the rest is dequantized before each use.")
    var memory = ModelOptions.defaultWeightCacheBytes >> 20

    @Flag(help: "Print JSON instead of text: per-chunk PPL, saves, partial-data decisions, tokens/s, peak memory.")
    var json = false

    @Flag(name: .customLong("f32-activations"),
          help: "Multiply quantized weights with unrounded float32 inputs instead of rounding them to 8-bit blocks as llama.cpp's CPU backend does.")
    var float32Activations = false

    @OptionGroup var threadOptions: ThreadOptions

    func validate() throws {
        guard context >= 4 else { throw ValidationError("-c/--context must be at least 4, got \(context)") }
        if let chunks, chunks < 1 { throw ValidationError("--chunks must be at least 1, got \(chunks)") }
        guard fromChunk >= 0 else { throw ValidationError("--from-chunk must not be negative, got \(fromChunk)") }
        guard outputFrequency >= 1 else { throw ValidationError("--output-frequency must be at least 1, got \(outputFrequency)") }
        guard saveFrequency >= 0 else { throw ValidationError("--save-frequency must not be negative, got \(saveFrequency)") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
        guard memory >= 0 else { throw ValidationError("--memory must not be negative, got \(memory)") }
    }

    func run() throws {
        let standardError = FileHandle.standardError
        func note(_ line: String) { standardError.write(Data((line + "\n").utf8)) }
        var settings = ImatrixRun.Settings(modelPath: model, textPath: file, outputPath: outputOptions.output)
        settings.format = try outputOptions.format(warn: note)
        settings.policy = try outputOptions.policy()
        settings.contextLength = context
        settings.chunks = chunks
        settings.fromChunk = fromChunk
        settings.computePerplexity = !noPerplexity
        settings.processOutput = processOutput
        settings.parseSpecial = parseSpecial
        settings.inputFiles = splitFileList(inFiles)
        settings.schedule = SaveSchedule(outputFrequency: outputFrequency, saveFrequency: saveFrequency)
        settings.batchTokens = batchSize
        settings.threads = threadOptions.threads
        settings.weightCacheBytes = memory << 20
        settings.activationPrecision = float32Activations ? .float32 : .ggmlCPU

        var progress: ProgressLine?
        var printedChunks = false
        let (result, _) = try ImatrixRun(settings: settings).run(
            onStart: { start in
                progress = ProgressLine(total: start.chunks, tokensPerUnit: start.contextLength)
                if start.entriesLoaded > 0 {
                    note("loaded \(start.entriesLoaded) entries holding \(start.chunksLoaded) chunks from \(settings.inputFiles.joined(separator: ", "))")
                }
                note("compute: \(Formatting.grouped(start.textTokens)) tokens, \(start.chunks) chunks of \(start.contextLength) "
                     + "(\(start.chunksPerBatch) per batch), \(settings.threads) threads")
            },
            onChunk: { chunk, runningPerplexity, _ in
                if !json, let runningPerplexity {
                    print("[\(chunk)]\(Formatting.fixed(runningPerplexity, 4)),", terminator: "")
                    FileHandle.standardOutput.synchronizeFile()
                    printedChunks = true
                }
                if let progress { standardError.write(Data(progress.text(done: chunk).utf8)) }
            },
            onSave: { save in
                standardError.write(Data("\r\u{1B}[K".utf8))
                note("saved \(save.entries) entries, \(save.chunkCount) chunks, to \(save.path)")
            })
        if json {
            try JSONOutput.print(result)
            return
        }
        if printedChunks { print("") }
        if let perplexity = result.perplexity, let error = result.perplexityError {
            print("Final estimate: PPL = \(Formatting.fixed(perplexity, 4)) +/- \(Formatting.fixed(error, 5))")
        }
        for line in result.partialData {
            print("partial data: \(line.tensor): experts without tokens \(line.missingExperts) → \(line.action)")
        }
        let memoryText = result.peakResidentBytes.map(Formatting.bytes) ?? "n/a"
        print("imatrix: \(result.entriesWritten) of \(result.entries) entries written to \(result.output) "
              + "(\(result.format), policy \(result.policy)), \(result.chunkCount) chunks of \(result.contextLength) tokens")
        print("\(Formatting.grouped(result.tokensEvaluated)) tokens in \(Formatting.fixed(result.seconds, 2)) s: "
              + "\(Formatting.fixed(result.tokensPerSecond, 1)) tokens/s, peak memory \(memoryText), \(result.threads) threads")
        if let coverage = result.expertCoverage {
            print("")
            print(coverage.text)
        }
    }
}
