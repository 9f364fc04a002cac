/// Which logits the forward pass computes and who receives them.
///
/// Logits are produced in blocks so that the full `rows × vocabulary` matrix (262,144 columns
/// for Gemma 3) never has to exist for a whole batch:
/// - ``LogitsLayout/vocabularyBlocks(width:)`` walks the vocabulary once, delivering all
///   requested rows for `width` token ids at a time — the output matrix is dequantized once per
///   batch; use it for streaming reductions (log-sum-exp, perplexity);
/// - ``LogitsLayout/fullRows(rowsPerSlice:)`` delivers complete rows, a few at a time — for
///   consumers that need a whole distribution at once (KL divergence, arg-max).
public struct LogitsRequest {
    /// Positions (0..<sequenceLength) whose logits are wanted, in every sequence. Requested row
    /// `r` is sequence `r / positions.count`, position `positions[r % positions.count]`.
    public var positions: [Int]
    /// How the logits are sliced.
    public var layout: LogitsLayout
    /// Receives each block; the block's memory is valid only during the call.
    public var consume: (LogitsBlock) -> Void

    public init(positions: [Int], layout: LogitsLayout, consume: @escaping (LogitsBlock) -> Void) {
        self.positions = positions
        self.layout = layout
        self.consume = consume
    }
}

/// How logits are sliced for delivery; see ``LogitsRequest``.
public enum LogitsLayout: Sendable, Equatable {
    /// All requested rows, `width` vocabulary entries at a time.
    case vocabularyBlocks(width: Int)
    /// Complete rows, at most `rowsPerSlice` at a time.
    case fullRows(rowsPerSlice: Int)
}

/// A block of logits: requested rows `rows`, token ids `vocabulary`.
public struct LogitsBlock {
    /// Which requested rows (see ``LogitsRequest/positions``).
    public let rows: Range<Int>
    /// Which token ids (columns).
    public let vocabulary: Range<Int>
    /// `rows.count × vocabulary.count` floats, row-major, leading dimension `vocabulary.count`.
    public let values: UnsafePointer<Float>

    public init(rows: Range<Int>, vocabulary: Range<Int>, values: UnsafePointer<Float>) {
        self.rows = rows
        self.vocabulary = vocabulary
        self.values = values
    }

    /// The logits of requested row `row` (absolute index within ``rows``) for this block's ids.
    public func row(_ row: Int) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: values + (row - rows.lowerBound) * vocabulary.count, count: vocabulary.count)
    }
}
