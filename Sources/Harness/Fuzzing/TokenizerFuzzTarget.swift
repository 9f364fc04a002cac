import Foundation
import GGUF
import Tokenizers

/// `tokenizer`: mutated text (any bytes, malformed UTF-8 included) encoded with real
/// tokenizers — gemma's SentencePiece from the bundled model, and byte-level BPE from the
/// fixtures' vocab-only files (llama-bpe, qwen2) when present — with and without special-token
/// parsing, then every id decoded. Ids outside the vocabulary are a finding.
public final class TokenizerFuzzTarget: FuzzTarget {
    public let name = "tokenizer"
    public let errorPrefix: String? = nil
    var tokenizers: [Tokenizer]
    /// Where the vocabularies came from.
    public let sources: [String]

    /// Loads the vocabularies: `model` (or the bundled gemma model: `$IMX_MODELS`, `models/`)
    /// and the fixtures' BPE vocabularies (`$IMX_FIXTURES`, `../shared/fixtures`, `/work/shared/fixtures`).
    /// - Throws: ``FuzzSetupError`` when none is found.
    public init(model: String?) throws {
        let environment = ProcessInfo.processInfo.environment
        var paths: [String] = []
        let models = model.map { [$0] }
            ?? [environment["IMX_MODELS"].map { $0 + "/gemma-3-270m-q4_k_m.gguf" }, "models/gemma-3-270m-q4_k_m.gguf"].compactMap { $0 }
        if let found = models.first(where: { FileManager.default.fileExists(atPath: $0) }) { paths.append(found) }
        if let model, paths.isEmpty { throw FuzzSetupError(description: "\(model): file: no such model") }
        let fixtures = [environment["IMX_FIXTURES"], "../shared/fixtures"].compactMap { $0 }
        if let folder = fixtures.first(where: { FileManager.default.fileExists(atPath: $0 + "/vocab") }) {
            for name in ["ggml-vocab-llama-bpe.gguf", "ggml-vocab-qwen2.gguf"] {
                let path = folder + "/vocab/" + name
                if FileManager.default.fileExists(atPath: path) { paths.append(path) }
            }
        }
        guard !paths.isEmpty else {
            throw FuzzSetupError(description: "tokenizer: no vocabulary found: give --model MODEL.gguf (or set IMX_MODELS / IMX_FIXTURES)")
        }
        tokenizers = try paths.map { Tokenizer(vocabulary: try Vocabulary(path: $0)) }
        sources = paths
    }

    public func seeds() -> [[UInt8]] {
        var seeds = ["Hello world", " Hello World!", "<start_of_turn>user\nHi<end_of_turn>\n", "<s> <|eot_id|> </s>",
                     "   \t\n\r\n  ", "3333 33 3.14 1,000,000", "I'm, you've; they'll! don't?", "éà ü ß ﬁ 𝔘𝔫𝔦 🦙🦙 ❤️",
                     "这是一个测试 日本語のテキスト 한국어", "ا لعربية", "\u{0}\u{1}\u{7F}"].map { Array($0.utf8) }
        seeds.append([0xFF, 0xFE, 0x41, 0xC3, 0x28, 0xE2, 0x82, 0xF0, 0x9F, 0x98, 0x20, 0xED, 0xA0, 0x80])
        return seeds
    }

    public var dictionary: [[UInt8]] {
        ["<start_of_turn>", "<end_of_turn>", "<bos>", "<eos>", "<s>", "</s>", "<unk>", "<|endoftext|>", "<|im_start|>",
         "<mask>", "▁", " ", "  ", "\n", "\r\n", "\t", "'s", "'ll", "0123456789", "\u{FFFD}", "\u{200B}", "\u{FEFF}",
         "🦙", "e\u{301}", "\u{1F1FA}\u{1F1F8}"].map { Array($0.utf8) } + [[0xC0], [0xF4, 0x90], [0xED, 0xA0, 0x80]]
    }

    public func run(_ input: UnsafeRawBufferPointer) throws {
        let text = input.bindMemory(to: UInt8.self)
        let parseSpecial = input.count & 1 == 0, addSpecial = input.count & 2 == 0
        for index in tokenizers.indices {
            let ids = tokenizers[index].encode(text, addSpecial: addSpecial, parseSpecial: parseSpecial)
            let count = tokenizers[index].vocabulary.count
            if let bad = ids.first(where: { $0 < 0 || Int($0) >= count }) {
                throw FuzzInvariantError("\(sources[index]): token id \(bad) outside the vocabulary of \(count)")
            }
            _ = tokenizers[index].decode(ids)
            for id in ids.prefix(64) { _ = tokenizers[index].piece(id, special: true) }
        }
    }
}
