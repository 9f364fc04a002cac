import Foundation
import GGUF
import Kernels
import Model
import Tokenizers

/// `imx perplexity` as a library call: load the model and its tokenizer, tokenize the text as
/// llama-perplexity does (BOS as the vocabulary says, no special-token parsing, one trailing
/// newline dropped), evaluate the chunks and collect the figures.
public struct PerplexityRun {
    /// What to run.
    public struct Settings: Sendable, TextRunConfigured {
        /// The model, the text, the chunking and how the model computes.
        public var text: TextRunSettings

        public init(modelPath: String, textPath: String) {
            self.text = TextRunSettings(modelPath: modelPath, textPath: textPath)
        }
    }

    /// The figures of a finished run (JSON field names in snake_case via the encoder).
    public struct Result: Encodable, Sendable {
        public var model: String
        public var text: String
        public var contextLength: Int
        public var chunks: Int
        public var textTokens: Int
        public var tokensEvaluated: Int
        public var predictionsScored: Int
        /// Running perplexity after each chunk: llama.cpp's `[1]…,[2]…` values.
        public var runningPerplexity: [Double]
        /// Each chunk's own perplexity.
        public var chunkPerplexity: [Double]
        public var perplexity: Double
        public var perplexityError: Double?
        public var seconds: Double
        public var tokensPerSecond: Double
        public var loadSeconds: Double
        public var peakResidentBytes: Int?
        public var cachedWeightBytes: Int
        public var threads: Int
        /// `--override-kv` values the model was read with, each with the file's own value.
        public var overrides: [String]
    }

    public let settings: Settings

    public init(settings: Settings) { self.settings = settings }

    /// Runs the evaluation. `onStart` gets the plan once tokenized; `onChunk` is called after
    /// every chunk with its report and the elapsed evaluation time.
    public func run(onStart: (PerplexityPlan) -> Void = { _ in },
                    onChunk: (PerplexityEvaluator.ChunkReport, Double) -> Void = { _, _ in }) throws -> Result {
        let loadStart = Date()
        let model = try ChunkedTextRun.openModel(
            path: settings.modelPath, contextLength: settings.contextLength,
            options: settings.text.modelOptions)
        let plan = try ChunkedTextRun.plan(model: model, textPath: settings.textPath, contextLength: settings.contextLength,
                                           chunks: settings.chunks, processEscapes: settings.processEscapes)
        let loadSeconds = Date().timeIntervalSince(loadStart)
        onStart(plan)

        let evaluator = PerplexityEvaluator(model: model, plan: plan,
                                            chunksPerBatch: max(1, settings.batchTokens / settings.contextLength))
        var running: [Double] = [], own: [Double] = []
        let start = Date()
        let total = try evaluator.run { report in
            running.append(report.runningPerplexity)
            own.append(report.chunkPerplexity)
            onChunk(report, Date().timeIntervalSince(start))
        }
        let seconds = Date().timeIntervalSince(start)
        let evaluated = plan.chunkCount * plan.contextLength
        return Result(
            model: settings.modelPath, text: settings.textPath, contextLength: plan.contextLength, chunks: plan.chunkCount,
            textTokens: plan.tokens.count, tokensEvaluated: evaluated, predictionsScored: total.count,
            runningPerplexity: running, chunkPerplexity: own, perplexity: total.perplexity,
            perplexityError: total.uncertainty, seconds: seconds, tokensPerSecond: Double(evaluated) / seconds,
            loadSeconds: loadSeconds, peakResidentBytes: ProcessMemory.peakResidentBytes(),
            cachedWeightBytes: model.cachedWeightBytes, threads: settings.threads, overrides: model.file.overrideNotes)
    }
}
