/// Token sequences evaluated together: `sequenceCount` sequences of `sequenceLength` tokens,
/// stored one after another. Each sequence starts at position 0 and attends only to itself.
public struct TokenBatch: Sendable, Equatable {
    /// `sequenceCount × sequenceLength` token ids, sequence-major.
    public var tokens: [Int32]
    /// Tokens per sequence.
    public var sequenceLength: Int
    /// The 0-based number of the first sequence among all chunks of the run, for messages.
    public var firstChunk = 0

    /// - Precondition: `tokens.count` is a positive multiple of `sequenceLength`.
    public init(tokens: [Int32], sequenceLength: Int) {
        precondition(sequenceLength > 0 && !tokens.isEmpty && tokens.count % sequenceLength == 0,
                     "\(tokens.count) tokens do not form sequences of \(sequenceLength)")
        self.tokens = tokens
        self.sequenceLength = sequenceLength
    }

    /// Number of sequences.
    public var sequenceCount: Int { tokens.count / sequenceLength }
}
