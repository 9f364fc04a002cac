/// The GGUF metadata keys a vocabulary is read from.
enum VocabularyKey {
    static let model = "tokenizer.ggml.model"
    static let preTokenizer = "tokenizer.ggml.pre"
    static let tokens = "tokenizer.ggml.tokens"
    static let scores = "tokenizer.ggml.scores"
    static let tokenTypes = "tokenizer.ggml.token_type"
    static let merges = "tokenizer.ggml.merges"
    static let bos = "tokenizer.ggml.bos_token_id"
    static let eos = "tokenizer.ggml.eos_token_id"
    static let unknown = "tokenizer.ggml.unknown_token_id"
    static let separator = "tokenizer.ggml.seperator_token_id"   // sic: llama.cpp's spelling
    static let padding = "tokenizer.ggml.padding_token_id"
    static let addBOS = "tokenizer.ggml.add_bos_token"
    static let addEOS = "tokenizer.ggml.add_eos_token"
    static let addSpacePrefix = "tokenizer.ggml.add_space_prefix"
}
