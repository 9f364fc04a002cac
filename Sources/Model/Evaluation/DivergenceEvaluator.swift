import Foundation
import GGUF
import Kernels

/// KL divergence against a reference model, llama-perplexity's way, on a ``PerplexityPlan``:
/// ``record(to:progress:)`` runs the reference model and stores its distributions as a
/// ``LogProbabilityFile`` (llama-perplexity's `--kl-divergence-base` format), and
/// ``compare(with:progress:)`` runs another model (or the same one with replaced weights) and
/// streams its logits against the stored rows.
public struct DivergenceEvaluator {
    public let model: TransformerModel
    public let plan: PerplexityPlan
    /// Chunks per forward batch when comparing.
    public let chunksPerBatch: Int
    /// Vocabulary entries per logits block (as ``PerplexityEvaluator``, so that the recorded
    /// perplexity is exactly `imx perplexity`'s).
    public var vocabularyBlockWidth = 1024

    public init(model: TransformerModel, plan: PerplexityPlan, chunksPerBatch: Int) {
        self.model = model
        self.plan = plan
        self.chunksPerBatch = max(1, chunksPerBatch)
    }

    /// Writes the model's distributions for every chunk of the plan to `path` (atomically) and
    /// returns its perplexity, computed exactly as ``PerplexityEvaluator`` computes it (same
    /// batches, same logits blocks, same scorer), so it equals `imx perplexity` on the text.
    /// A batch's full logits rows are held while they are encoded (for Gemma 3 at `-c 512`,
    /// 4 chunks: about 1 GiB). `progress` gets the number of chunks done.
    public func record(to path: String, progress: (Int) -> Void = { _ in }) throws -> PerplexityAccumulator {
        let vocabulary = model.spec.vocabularySize
        let positions = Array(plan.scoredPositions)
        let rowsPerChunk = positions.count
        let slots = LogProbabilityRow.slots(vocabulary: vocabulary)
        let perBatch = chunksPerBatch
        var total = PerplexityAccumulator()
        var failure: (any Error)?
        do {
            try AtomicFile.write(to: path) { descriptor throws(AtomicFile.WriteError) in
                func put(_ bytes: UnsafeRawBufferPointer) -> AtomicFile.WriteError? {
                    do throws(AtomicFile.WriteError) { try AtomicFile.writeAll(bytes, to: descriptor, path: path) } catch { return error }
                    return nil
                }
                if let error = LogProbabilityFile.header(plan: plan, vocabulary: vocabulary).withUnsafeBytes(put) { throw error }
                var encoded = [UInt16](repeating: 0, count: rowsPerChunk * perBatch * slots)
                for first in stride(from: 0, to: plan.chunkCount, by: perBatch) {
                    let chunks = first..<min(plan.chunkCount, first + perBatch)
                    let rows = chunks.count * rowsPerChunk
                    let logits = UnsafeMutablePointer<Float>.allocate(capacity: rows * vocabulary)
                    defer { logits.deallocate() }
                    let (tokens, targets) = plan.batch(chunks: chunks)
                    let scorer = NextTokenScorer(targets: targets, threads: model.options.threads)
                    let request = LogitsRequest(positions: positions, layout: .vocabularyBlocks(width: vocabularyBlockWidth)) { block in
                        scorer.consume(block)
                        for row in block.rows {
                            (logits + row * vocabulary + block.vocabulary.lowerBound)
                                .update(from: block.row(row).baseAddress!, count: block.vocabulary.count)
                        }
                    }
                    do {
                        try model.evaluate(TokenBatch(tokens: tokens, sequenceLength: plan.contextLength), logits: request)
                    } catch {
                        failure = error
                        throw AtomicFile.WriteError(path: path, reason: "evaluation failed")
                    }
                    encoded.withUnsafeMutableBufferPointer { encoded in
                        let out = encoded.baseAddress!
                        Parallel.forEachRange(count: rows, threads: model.options.threads, grain: 4) { range in
                            for row in range {
                                LogProbabilityRow.encode(logits + row * vocabulary, vocabulary: vocabulary, into: out + row * slots)
                            }
                        }
                    }
                    total.add(logProbabilities: scorer.logProbabilities())
                    if let error = encoded.withUnsafeBytes({ put(UnsafeRawBufferPointer(rebasing: $0[0..<(rows * slots * 2)])) }) {
                        throw error
                    }
                    progress(chunks.upperBound)
                }
            }
        } catch {
            throw failure ?? error
        }
        return total
    }

    /// Compares the model with the stored reference over the plan's chunks.
    /// - Throws: ``EvaluationError`` when the file was made for another text, context or
    ///   vocabulary; ``ModelError`` from the forward pass.
    public func compare(with reference: LogProbabilityFile, progress: (Int) -> Void = { _ in }) throws -> DivergenceStatistics {
        try check(reference)
        let positions = Array(plan.scoredPositions)
        var statistics = DivergenceStatistics()
        for first in stride(from: 0, to: plan.chunkCount, by: chunksPerBatch) {
            let chunks = first..<min(plan.chunkCount, first + chunksPerBatch)
            let (tokens, targets) = plan.batch(chunks: chunks)
            let rows = chunks.flatMap { chunk in (0..<positions.count).map { reference.row(chunk: chunk, row: $0) } }
            let scorer = DivergenceScorer(references: rows, targets: targets, threads: model.options.threads)
            let request = LogitsRequest(positions: positions, layout: .vocabularyBlocks(width: vocabularyBlockWidth),
                                        consume: scorer.consume)
            try model.evaluate(TokenBatch(tokens: tokens, sequenceLength: plan.contextLength), logits: request)
            statistics.add(scorer.results())
            progress(chunks.upperBound)
        }
        return statistics
    }

    private func check(_ reference: LogProbabilityFile) throws(EvaluationError) {
        func mismatch(_ field: String, _ message: String) -> EvaluationError {
            EvaluationError(source: reference.path, field: field, message: message)
        }
        guard reference.contextLength == plan.contextLength else {
            throw mismatch("n_ctx", "stored for context \(reference.contextLength), the evaluation uses \(plan.contextLength)")
        }
        guard reference.vocabularySize == model.spec.vocabularySize else {
            throw mismatch("n_vocab", "\(reference.vocabularySize) token ids, the model has \(model.spec.vocabularySize)")
        }
        guard reference.chunkCount >= plan.chunkCount else {
            throw mismatch("n_chunk", "\(reference.chunkCount) chunks stored, the evaluation needs \(plan.chunkCount)")
        }
        let expected = Array(plan.tokens.prefix(plan.chunkCount * plan.contextLength))
        guard Array(reference.tokens.prefix(expected.count)) == expected else {
            throw mismatch("tokens", "stored for a different text (its tokens differ)")
        }
    }
}
