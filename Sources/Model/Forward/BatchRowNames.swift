/// Names a row of the forward pass for error messages: the model file, and for a row its
/// 1-based chunk and its position in the chunk (rows may have been compacted to the scored
/// positions in the last block).
struct BatchRowNames {
    /// The model file.
    let source: String
    /// The 0-based number of the batch's first chunk in the whole run.
    let firstChunk: Int
    let sequenceLength: Int
    /// The batch token of each row when rows were compacted, else nil (row = token).
    var compactedTokens: [Int32]?

    func describe(_ row: Int) -> String {
        let token = compactedTokens.map { Int($0[row]) } ?? row
        let (sequence, position) = token.quotientAndRemainder(dividingBy: max(1, sequenceLength))
        return "chunk \(firstChunk + sequence + 1) (token \(position) of the chunk)"
    }
}
