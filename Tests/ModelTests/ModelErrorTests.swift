import Testing
import GGUF
import Kernels
import Model
import TestSupport

/// The forward pass refuses a batch the model cannot take with a ``ModelError``, and a weight it
/// cannot read with one that wraps the file's ``GGUFError``.
@Suite("Model errors")
struct ModelErrorTests {
    @Test("A token id outside the vocabulary is a batch error naming the token")
    func badToken() throws {
        let directory = try TemporaryDirectory()
        let spec = TinyModels.llama
        let path = try TinyModels.write(spec, in: directory)
        let model = try TransformerModel(file: GGUFFile(path: path), options: ModelOptions(threads: 2))
        let tokens: [Int32] = [1, 2, Int32(spec.vocabularySize), 3]
        let error = #expect(throws: ModelError.self) {
            try model.evaluate(TokenBatch(tokens: tokens, sequenceLength: tokens.count))
        }
        #expect(error?.kind == .batch)
        #expect(error?.description == "\(path): tokens[2]: token id \(spec.vocabularySize) is outside the vocabulary of \(spec.vocabularySize)")
        #expect(error?.cause == nil)
    }

    @Test("A logits position outside the sequence is a batch error")
    func badPosition() throws {
        let directory = try TemporaryDirectory()
        let path = try TinyModels.write(TinyModels.llama, in: directory)
        let model = try TransformerModel(file: GGUFFile(path: path), options: ModelOptions(threads: 2))
        let request = LogitsRequest(positions: [4], layout: .fullRows(rowsPerSlice: 1), consume: { _ in })
        let error = #expect(throws: ModelError.self) {
            try model.evaluate(TokenBatch(tokens: [1, 2, 3, 4], sequenceLength: 4), logits: request)
        }
        #expect(error?.kind == .batch && error?.field == "logits.positions")
        #expect(error?.message == "position 4 is outside the sequence of 4")
    }

    @Test("A weight that cannot be read keeps the file's error as its cause and prints the same line")
    func wrapsTheFileError() {
        let underlying = GGUFError(file: "m.gguf", field: "blk.0.attn_q.weight", kind: .truncated, message: "data ends early")
        let error = ModelError(reading: underlying)
        #expect(error.kind == .weights)
        #expect(error.description == underlying.description)
        #expect(error.cause is GGUFError)
        #expect((error.cause as? GGUFError)?.kind == .truncated)
    }
}
