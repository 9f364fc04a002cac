/// How llama-perplexity cuts a tokenized text into chunks and which predictions it scores.
///
/// The text's tokens are cut into `chunkCount` consecutive chunks of `contextLength` tokens
/// (a remainder is dropped); the first token of each chunk is replaced by BOS when the model
/// adds one; within a chunk, positions `contextLength/2 ..< contextLength − 1` predict the
/// token after them, so the first half only serves as context.
public struct PerplexityPlan: Sendable, Equatable {
    /// The whole tokenized text.
    public let tokens: [Int32]
    /// Tokens per chunk (`-c`).
    public let contextLength: Int
    /// Chunks evaluated.
    public let chunkCount: Int
    /// The token put at the start of every chunk, or nil when the model adds no BOS.
    public let beginOfSequence: Int32?

    /// - Parameters:
    ///   - requestedChunks: at most this many chunks (`--chunks`); nil for all.
    ///   - source: the text's name, for errors.
    /// - Throws: ``EvaluationError`` when the text has fewer than `2 × contextLength` tokens
    ///   (llama-perplexity's minimum) or `contextLength` is below 4.
    public init(tokens: [Int32], contextLength: Int, requestedChunks: Int? = nil,
                beginOfSequence: Int32?, source: String) throws(EvaluationError) {
        guard contextLength >= 4 else {
            throw EvaluationError(source: source, field: "context", message: "context length must be at least 4, got \(contextLength)")
        }
        guard tokens.count >= 2 * contextLength else {
            throw EvaluationError(
                source: source, field: "tokens",
                message: "need at least \(2 * contextLength) tokens (2 × context \(contextLength)) to evaluate perplexity, the text gives only \(tokens.count)")
        }
        let available = tokens.count / contextLength
        if let requestedChunks, requestedChunks < 1 {
            throw EvaluationError(source: source, field: "chunks", message: "must be at least 1, got \(requestedChunks)")
        }
        self.tokens = tokens
        self.contextLength = contextLength
        self.chunkCount = min(requestedChunks ?? available, available)
        self.beginOfSequence = beginOfSequence
    }

    /// First scored position of every chunk.
    public var firstScoredPosition: Int { contextLength / 2 }
    /// Positions whose next-token prediction is scored.
    public var scoredPositions: Range<Int> { firstScoredPosition..<(contextLength - 1) }
    /// Predictions scored per chunk.
    public var scoredPerChunk: Int { scoredPositions.count }

    /// The tokens fed to the model for chunk `index` (BOS in front when the model adds one).
    public func input(ofChunk index: Int) -> ArraySlice<Int32> {
        var chunk = tokens[(index * contextLength)..<((index + 1) * contextLength)]
        if let beginOfSequence { chunk[chunk.startIndex] = beginOfSequence }
        return chunk
    }

    /// The token predicted at `position` of chunk `index` (the original text's next token).
    public func target(ofChunk index: Int, position: Int) -> Int32 {
        tokens[index * contextLength + position + 1]
    }

    /// The model input of `chunks` run as one batch, and the target of every scored row (row r
    /// is chunk `r / scoredPerChunk`, position `scoredPositions[r % scoredPerChunk]`).
    public func batch(chunks: Range<Int>) -> (tokens: [Int32], targets: [Int32]) {
        var tokens: [Int32] = [], targets: [Int32] = []
        tokens.reserveCapacity(chunks.count * contextLength)
        targets.reserveCapacity(chunks.count * scoredPerChunk)
        for chunk in chunks {
            tokens += input(ofChunk: chunk)
            targets += scoredPositions.map { target(ofChunk: chunk, position: $0) }
        }
        return (tokens, targets)
    }
}
