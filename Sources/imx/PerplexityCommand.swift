import ArgumentParser
import Foundation
import Harness
import Kernels
import Model
import Reports

/// `imx perplexity -m MODEL -f TEXT [-c 512] [--chunks N] [-b 2048] [--memory MIB] [-t T] [--json]`:
/// llama-perplexity's measurement with this project's forward pass.
struct PerplexityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perplexity",
        abstract: "Perplexity of a GGUF model on a text, computed exactly as llama-perplexity does.",
        discussion: """
            The text is tokenized whole (BOS as the model says), cut into chunks of -c tokens, the \
            first token of each chunk replaced by BOS, and the second half of each chunk scored. \
            Prints the running perplexity per chunk ([1]…,[2]…) and the final estimate with its \
            ± error; a progress line with tokens/s and ETA goes to stderr.
            """
    )

    @OptionGroup var textRun: TextRunOptions

    @Flag(help: "Print JSON: per-chunk values, final PPL and error, tokens/s, peak memory.")
    var json = false

    @OptionGroup var threadOptions: ThreadOptions

    func run() throws {
        var settings = PerplexityRun.Settings(modelPath: textRun.model, textPath: textRun.file)
        settings.text = try textRun.settings(threads: threadOptions.threads)
        var progress: ProgressLine?
        let result = try PerplexityRun(settings: settings).run(
            onStart: { plan in
                progress = ProgressLine(total: plan.chunkCount, tokensPerUnit: plan.contextLength)
                if !json {
                    print("perplexity: \(plan.tokens.count) tokens, \(plan.chunkCount) chunks of \(plan.contextLength), "
                          + "\(plan.scoredPerChunk) scored per chunk")
                }
            },
            onChunk: { report, _ in
                if !json {
                    print("[\(report.chunk)]\(Formatting.fixed(report.runningPerplexity, 4)),", terminator: "")
                    _ = StandardOutputStream.flush()
                }
                if let progress { Console.write(progress.text(done: report.chunk)) }
            })
        Console.note("")
        if json {
            try JSONOutput.print(result)
            return
        }
        print("")
        if let error = result.perplexityError {
            print("Final estimate: PPL = \(Formatting.fixed(result.perplexity, 4)) +/- \(Formatting.fixed(error, 5))")
        } else {
            print("Final estimate: PPL = \(Formatting.fixed(result.perplexity, 4)) (no error estimate: too few predictions)")
        }
        let memoryText = result.peakResidentBytes.map(Formatting.bytes) ?? "n/a"
        print("\(Formatting.grouped(result.tokensEvaluated)) tokens in \(Formatting.fixed(result.seconds, 2)) s: "
              + "\(Formatting.fixed(result.tokensPerSecond, 1)) tokens/s, peak memory \(memoryText), "
              + "\(result.threads) threads, \(Formatting.bytes(result.cachedWeightBytes)) weights cached")
    }
}
