import GGUF
import Kernels

/// Runs llama-perplexity's method on a ``TransformerModel``: chunks from a ``PerplexityPlan``,
/// several chunks per forward batch, logits only for the scored positions (streamed in
/// vocabulary blocks), running perplexity after every chunk.
public struct PerplexityEvaluator {
    /// Progress after a chunk.
    public struct ChunkReport: Sendable, Equatable {
        /// 1-based chunk number.
        public var chunk: Int
        /// Running perplexity over chunks 1…chunk (what llama.cpp prints as `[chunk]value`).
        public var runningPerplexity: Double
        /// This chunk's own perplexity.
        public var chunkPerplexity: Double
        /// Tokens evaluated so far (chunks × context).
        public var tokensEvaluated: Int
    }

    public let model: TransformerModel
    public let plan: PerplexityPlan
    /// Chunks per forward batch (llama.cpp: n_batch / n_ctx, i.e. 4 for -c 512).
    public let chunksPerBatch: Int
    /// Vocabulary entries per logits block.
    public var vocabularyBlockWidth = 1024
    /// Chunks of the text before the plan's first (`--from-chunk`), so errors name the chunk
    /// by its number in the whole text.
    public var chunksBefore = 0

    public init(model: TransformerModel, plan: PerplexityPlan, chunksPerBatch: Int) {
        self.model = model
        self.plan = plan
        self.chunksPerBatch = max(1, chunksPerBatch)
    }

    /// Evaluates every chunk of the plan and returns the accumulated result; `progress` is
    /// called after each chunk. `observer` sees every weight product (the imatrix hook).
    public func run(observer: (any ActivationObserver)? = nil,
                    progress: (ChunkReport) -> Void = { _ in }) throws(ModelError) -> PerplexityAccumulator {
        var total = PerplexityAccumulator()
        for firstChunk in stride(from: 0, to: plan.chunkCount, by: chunksPerBatch) {
            let chunks = firstChunk..<min(plan.chunkCount, firstChunk + chunksPerBatch)
            let scores = try evaluate(chunks: chunks, observer: observer, scoring: true)
            for (chunk, logProbabilities) in zip(chunks, scores) {
                var own = PerplexityAccumulator()
                own.add(logProbabilities: logProbabilities)
                total.add(logProbabilities: logProbabilities)
                progress(ChunkReport(chunk: chunk + 1, runningPerplexity: total.perplexity,
                                     chunkPerplexity: own.perplexity, tokensEvaluated: (chunk + 1) * plan.contextLength))
            }
        }
        return total
    }

    /// Runs `chunks` of the plan as one forward batch.
    /// - Throws: ``ModelError`` from the forward pass, or for a non-finite log-probability (naming
    ///   the chunk and the position).
    /// - Parameter scoring: whether to compute the logits of the scored positions; without
    ///   scoring the output projection does not run at all.
    /// - Returns: per chunk, the log-probabilities of its scored predictions (empty arrays
    ///   without scoring).
    public func evaluate(chunks: Range<Int>, observer: (any ActivationObserver)?,
                         scoring: Bool) throws(ModelError) -> [[Double]] {
        let positions = Array(plan.scoredPositions)
        let (tokens, targets) = plan.batch(chunks: chunks)
        var batch = TokenBatch(tokens: tokens, sequenceLength: plan.contextLength)
        batch.firstChunk = chunksBefore + chunks.lowerBound
        guard scoring else {
            try model.evaluate(batch, observer: observer, logits: nil)
            return chunks.map { _ in [] }
        }
        let scorer = NextTokenScorer(targets: targets, threads: model.options.threads)
        let request = LogitsRequest(positions: positions, layout: .vocabularyBlocks(width: vocabularyBlockWidth),
                                    consume: scorer.consume)
        try model.evaluate(batch, observer: observer, logits: request)
        let logProbabilities = scorer.logProbabilities()
        if let bad = logProbabilities.firstIndex(where: { !$0.isFinite }) {
            let (chunk, index) = bad.quotientAndRemainder(dividingBy: max(1, positions.count))
            throw ModelError(file: model.file.path, field: model.outputTensorName, kind: .nonFinite,
                             message: "non-finite logits in chunk \(batch.firstChunk + chunk + 1) (position \(positions[index]) of the chunk): the model's weights or activations overflow, so its perplexity is undefined")
        }
        return (0..<chunks.count).map { offset in
            Array(logProbabilities[(offset * positions.count)..<((offset + 1) * positions.count)])
        }
    }
}
