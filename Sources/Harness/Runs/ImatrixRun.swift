import Foundation
import GGUF
import IMatrix
import Kernels
import Model
import Tokenizers

/// `imx compute` as a library call: llama-imatrix's run with this project's forward pass.
///
/// The text is tokenized whole (BOS as the vocabulary says), `--from-chunk` chunks are dropped,
/// the rest is cut into chunks of `-c` tokens whose first token becomes BOS, and every chunk's
/// activations are collected by an ``ImatrixAccumulator`` (all tokens, not only the scored
/// half). Files from `--in-file` are the starting state. The output is saved every
/// `outputFrequency` chunks, snapshots `OUT.at_N` every `saveFrequency`, and at the end — each
/// time atomically and through the partial-data policy.
public struct ImatrixRun {
    /// What to run.
    public struct Settings: Sendable, TextRunConfigured {
        /// The model, the text, the chunking and how the model computes.
        public var text: TextRunSettings
        public var outputPath: String
        /// nil: GGUF (the default, as llama.cpp).
        public var format: ImportanceMatrix.Format?
        public var fromChunk = 0
        public var computePerplexity = true
        public var processOutput = false
        public var parseSpecial = false
        public var inputFiles: [String] = []
        public var schedule = SaveSchedule()
        /// nil: the format's default (`keep`).
        public var policy: PartialDataPolicy?

        public init(modelPath: String, textPath: String, outputPath: String) {
            self.text = TextRunSettings(modelPath: modelPath, textPath: textPath)
            self.outputPath = outputPath
        }
    }

    /// What happened before the first chunk runs.
    public struct Start: Sendable {
        public var textTokens: Int
        public var chunks: Int
        public var contextLength: Int
        public var chunksPerBatch: Int
        /// Chunks already in the data from `--in-file`.
        public var chunksLoaded: Int
        public var entriesLoaded: Int
    }

    /// A save during or at the end of the run.
    public struct Save: Encodable, Sendable {
        public var path: String
        public var chunkCount: Int
        public var entries: Int
    }

    /// The figures of a finished run (snake_case JSON).
    public struct Result: Encodable, Sendable {
        public var model: String
        public var text: String
        public var output: String
        public var format: String
        public var policy: String
        public var contextLength: Int
        public var chunks: Int
        public var fromChunk: Int
        public var textTokens: Int
        public var tokensEvaluated: Int
        public var chunkCount: Int
        public var entries: Int
        public var entriesWritten: Int
        public var runningPerplexity: [Double]
        public var perplexity: Double?
        public var perplexityError: Double?
        public var saves: [Save]
        public var seconds: Double
        public var tokensPerSecond: Double
        public var loadSeconds: Double
        public var peakResidentBytes: Int?
        public var threads: Int
        /// The policy's decision for each entry it changed or left out.
        public var partialData: [PartialDataLine]
        /// Expert coverage of the collected data (nil for a model without expert tensors).
        public var expertCoverage: ExpertCoverage?
        /// `--override-kv` values the model was read with, each with the file's own value.
        public var overrides: [String]
    }

    /// One entry's partial-data decision, for the result.
    public struct PartialDataLine: Encodable, Sendable {
        public var tensor: String
        public var missingExperts: [Int]
        public var action: String
    }

    public let settings: Settings

    public init(settings: Settings) { self.settings = settings }

    /// Runs the collection. `onStart` is called once the text is tokenized and the inputs are
    /// loaded; `onChunk` after every chunk with its running perplexity (nil with `--no-ppl`)
    /// and the elapsed time; `onSave` after each save.
    /// - Returns: the result and the final collection.
    public func run(onStart: (Start) -> Void = { _ in },
                    onChunk: (_ chunk: Int, _ runningPerplexity: Double?, _ seconds: Double) -> Void = { _, _, _ in },
                    onSave: (Save) -> Void = { _ in }) throws -> (result: Result, collection: ImatrixCollection) {
        let loadStart = Date()
        let format = settings.format ?? .gguf
        let writer = ImatrixWriter(format: format, chunkSize: settings.contextLength, policy: settings.policy)
        try OutputLocation.checkWritable(settings.outputPath)
        let model = try ChunkedTextRun.openModel(
            path: settings.modelPath, contextLength: settings.contextLength,
            options: settings.text.modelOptions)
        var collection = ImatrixCollection()
        for path in settings.inputFiles {
            let stored = try ImportanceMatrix.read(path: path)
            try ModelCompatibility.check(stored, against: model.file)
            try collection.add(stored, chunkSize: settings.contextLength)
        }
        let entriesLoaded = collection.entries.count
        let plan = try ChunkedTextRun.plan(model: model, textPath: settings.textPath, contextLength: settings.contextLength,
                                           chunks: settings.chunks, parseSpecial: settings.parseSpecial,
                                           skippedChunks: settings.fromChunk, processEscapes: settings.processEscapes)
        // A resumed run (`--from-chunk` after a file of the same text) continues that dataset
        // rather than listing it again, so its file is the uninterrupted run's.
        if settings.fromChunk == 0 || collection.datasets.last != settings.textPath {
            collection.datasets.append(settings.textPath)
        }
        let chunksLoaded = collection.chunkCount
        let chunksPerBatch = max(1, settings.batchTokens / settings.contextLength)
        let loadSeconds = Date().timeIntervalSince(loadStart)
        onStart(Start(textTokens: plan.tokens.count + settings.fromChunk * settings.contextLength, chunks: plan.chunkCount,
                      contextLength: plan.contextLength, chunksPerBatch: chunksPerBatch,
                      chunksLoaded: chunksLoaded, entriesLoaded: entriesLoaded))

        let accumulator = ImatrixAccumulator(collection: collection, processOutput: settings.processOutput,
                                             threads: settings.threads)
        accumulator.source = settings.modelPath
        var evaluator = PerplexityEvaluator(model: model, plan: plan, chunksPerBatch: chunksPerBatch)
        evaluator.chunksBefore = settings.fromChunk
        var total = PerplexityAccumulator()
        var running: [Double] = []
        var saves: [Save] = []
        let start = Date()
        var next = 0
        while next < plan.chunkCount {
            let end = settings.schedule.batchEnd(from: next, limit: min(plan.chunkCount, next + chunksPerBatch),
                                                 chunksBefore: chunksLoaded)
            accumulator.batchOrigin = (firstChunk: settings.fromChunk + next, chunkSize: plan.contextLength)
            let scores = try evaluator.evaluate(chunks: next..<end, observer: accumulator,
                                                scoring: settings.computePerplexity)
            if let failure = accumulator.failure { throw failure }
            for (offset, logProbabilities) in scores.enumerated() {
                var runningValue: Double?
                if settings.computePerplexity {
                    total.add(logProbabilities: logProbabilities)
                    running.append(total.perplexity)
                    runningValue = total.perplexity
                }
                onChunk(next + offset + 1, runningValue, Date().timeIntervalSince(start))
            }
            accumulator.collection.updateChunkCount(chunkSize: plan.contextLength)
            let chunkCount = accumulator.collection.chunkCount
            let due = settings.schedule.savesDue(chunkCount: chunkCount, step: end - next)
            let isLast = end == plan.chunkCount
            if due.output, !isLast {
                let report = try writer.write(accumulator.collection, to: settings.outputPath)
                saves.append(Save(path: settings.outputPath, chunkCount: chunkCount, entries: report.writtenEntries))
                onSave(saves.last!)
            }
            if due.snapshot {
                let path = SaveSchedule.snapshotPath(output: settings.outputPath, chunkCount: chunkCount)
                let report = try writer.write(accumulator.collection, to: path)
                saves.append(Save(path: path, chunkCount: chunkCount, entries: report.writtenEntries))
                onSave(saves.last!)
            }
            next = end
        }
        let seconds = Date().timeIntervalSince(start)
        let finalReport = try writer.write(accumulator.collection, to: settings.outputPath)
        saves.append(Save(path: settings.outputPath, chunkCount: accumulator.collection.chunkCount,
                          entries: finalReport.writtenEntries))
        onSave(saves.last!)
        let evaluated = plan.chunkCount * plan.contextLength
        let result = Result(
            model: settings.modelPath, text: settings.textPath, output: settings.outputPath, format: format.rawValue,
            policy: writer.policy.description, contextLength: plan.contextLength, chunks: plan.chunkCount,
            fromChunk: settings.fromChunk, textTokens: plan.tokens.count + settings.fromChunk * plan.contextLength,
            tokensEvaluated: evaluated, chunkCount: accumulator.collection.chunkCount,
            entries: accumulator.collection.entries.count, entriesWritten: finalReport.writtenEntries,
            runningPerplexity: running, perplexity: settings.computePerplexity ? total.perplexity : nil,
            perplexityError: settings.computePerplexity ? total.uncertainty : nil, saves: saves,
            seconds: seconds, tokensPerSecond: Double(evaluated) / max(seconds, 1e-9), loadSeconds: loadSeconds,
            peakResidentBytes: ProcessMemory.peakResidentBytes(), threads: settings.threads,
            partialData: finalReport.decisions.map {
                PartialDataLine(tensor: $0.name, missingExperts: $0.decision.missing, action: $0.decision.summary)
            },
            expertCoverage: Self.coverage(of: accumulator.collection, source: settings.outputPath),
            overrides: model.file.overrideNotes)
        return (result, accumulator.collection)
    }

    /// The expert coverage of `collection`, or nil when it has no expert tensors.
    static func coverage(of collection: ImatrixCollection, source: String) -> ExpertCoverage? {
        let coverage = ExpertCoverage(collection: collection, source: source)
        return coverage.summary.expertTensors > 0 ? coverage : nil
    }
}
