import ArgumentParser
import Foundation
import Harness
import IMatrix
import Kernels
import Model
import Reports

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

    @OptionGroup var textRun: TextRunOptions

    @OptionGroup var outputOptions: ImatrixOutputOptions

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

    @Flag(help: "Print JSON instead of text: per-chunk PPL, saves, partial-data decisions, tokens/s, peak memory.")
    var json = false

    @OptionGroup var threadOptions: ThreadOptions

    func validate() throws {
        guard fromChunk >= 0 else { throw ValidationError("--from-chunk must not be negative, got \(fromChunk)") }
        guard outputFrequency >= 1 else { throw ValidationError("--output-frequency must be at least 1, got \(outputFrequency)") }
        guard saveFrequency >= 0 else { throw ValidationError("--save-frequency must not be negative, got \(saveFrequency)") }
    }

    func run() throws {
        func note(_ line: String) { Console.note(line) }
        try OutputCheck.prepare(outputs: [outputOptions.output],
                                inputs: [textRun.model, textRun.file] + splitFileList(inFiles))
        var settings = ImatrixRun.Settings(modelPath: textRun.model, textPath: textRun.file, outputPath: outputOptions.output)
        settings.format = outputOptions.format(warn: note)
        settings.policy = outputOptions.partialData
        settings.text = try textRun.settings(threads: threadOptions.threads)
        settings.fromChunk = fromChunk
        settings.computePerplexity = !noPerplexity
        settings.processOutput = processOutput
        settings.parseSpecial = parseSpecial
        settings.inputFiles = splitFileList(inFiles)
        settings.schedule = SaveSchedule(outputFrequency: outputFrequency, saveFrequency: saveFrequency)

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
                    _ = StandardOutputStream.flush()
                    printedChunks = true
                }
                if let progress { Console.write(progress.text(done: chunk)) }
            },
            onSave: { save in
                Console.endProgress()
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
            for note in result.overrides { print("model read with --override-kv \(note)") }
            print(coverage.text)
        }
    }
}
