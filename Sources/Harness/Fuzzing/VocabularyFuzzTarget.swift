import GGUF
import Tokenizers

/// `vocabulary`: the tokenizer vocabulary loader on a mutated vocab-only GGUF (tokens,
/// scores, token types, merges, special ids, flags, pre-tokenizer name), then a tokenizer
/// built from it encoding a fixed sample and part of the input, and decoding the result.
public final class VocabularyFuzzTarget: FuzzTarget {
    public let name = "vocabulary"
    public let errorPrefix: String? = "<fuzz>.gguf: "
    let sample = Array("Hello world, <s>ab abc</s> <start_of_turn>user 3.14 \u{1F999} é\n".utf8)

    public init() {}

    public func seeds() -> [[UInt8]] { FuzzSeeds.vocabularies() }

    public var dictionary: [[UInt8]] {
        FuzzSeeds.ggufDictionary + ["gpt2", "llama-bpe", "qwen2", "gemma", "tokenizer.ggml.scores", "tokenizer.ggml.token_type",
                                    "tokenizer.ggml.bos_token_id", "tokenizer.ggml.add_bos_token", "Ġ", "▁", "<0x0A>"].map { Array($0.utf8) }
    }

    public func fields(of input: [UInt8]) -> [FuzzField] { GGUFFieldMap.fields(of: input) }

    public func run(_ input: UnsafeRawBufferPointer) throws {
        let file = try GGUFFile(mapping: MappedFile(copying: input, path: "<fuzz>.gguf"))
        let vocabulary = try Vocabulary(file: file, allowDefaultPreTokenizer: input.count & 1 == 0)
        var tokenizer = Tokenizer(vocabulary: vocabulary)
        let text = sample + input.prefix(256)
        let ids = tokenizer.encode(text, addSpecial: true, parseSpecial: input.count & 2 == 0)
        if let bad = ids.first(where: { $0 < 0 || Int($0) >= vocabulary.count }) {
            throw FuzzInvariantError("token id \(bad) outside the vocabulary of \(vocabulary.count)")
        }
        _ = tokenizer.decode(ids)
    }
}
