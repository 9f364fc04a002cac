import Foundation
import Testing
import GGUF
import Tokenizers
import TestSupport

/// llama.cpp's own tokenizer test vectors (../shared/fixtures/vocab): every test string of
/// every vocabulary must give exactly llama.cpp's ids (no BOS, special tokens not parsed).
@Suite("Tokenizer fixtures from llama.cpp", .needsFixtures)
struct VocabFixtureTests {
    static let vocabularies = ["llama-spm", "phi-3", "gpt-2", "llama-bpe", "qwen2"]

    /// The fixture's test strings (raw bytes) paired with llama.cpp's ids.
    static func cases(_ name: String) throws -> (vocabulary: String, pairs: [(text: [UInt8], ids: [Int32])]) {
        let path = try TestEnvironment.fixture("vocab/ggml-vocab-\(name).gguf")
        let input = try Data(contentsOf: URL(fileURLWithPath: path + ".inp"))
        let output = try String(contentsOfFile: path + ".out", encoding: .utf8)
        let separator = Array("\n__ggml_vocab_test__\n".utf8)
        var texts: [[UInt8]] = []
        var rest = [UInt8](input)[...]
        while let range = rest.firstRange(of: separator) {
            texts.append(Array(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        texts.append(Array(rest))
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(texts.count == lines.count, "\(name): \(texts.count) strings but \(lines.count) id lines")
        let pairs = zip(texts, lines).map { text, line in
            (text, line.split(separator: " ").map { Int32($0)! })
        }
        return (path, pairs.dropLast().map { $0 })   // both end with one empty trailing piece
    }

    @Test("Every test string gives llama.cpp's ids", arguments: vocabularies)
    func matchesLlamaCpp(_ name: String) throws {
        let (path, pairs) = try Self.cases(name)
        var tokenizer = Tokenizer(vocabulary: try Vocabulary(path: path))
        var failures = 0
        for (index, pair) in pairs.enumerated() {
            let ids = tokenizer.encode(pair.text)
            if ids != pair.ids {
                failures += 1
                let shown = String(decoding: pair.text, as: UTF8.self).debugDescription
                Issue.record("\(name) #\(index) \(shown)\n  llama.cpp: \(pair.ids)\n  ours:      \(ids)")
            }
        }
        #expect(pairs.count >= 40, "\(name): only \(pairs.count) test strings")
        #expect(failures == 0)
    }

    /// Pre-tokenizers whose vocabularies are not among the fixtures, against llama-tokenize itself:
    /// the llama-bpe vocabulary relabelled to each (Tests/Oracles/tokenize_relabelled.py, ids in
    /// Tests/References/relabelled-llama-bpe.ids.json) splits every test string the same way here.
    @Test("gpt-4o, deepseek-v3, glm4 and kimi-k2 on the relabelled llama-bpe vocabulary give llama-tokenize's ids")
    func relabelledVocabulary() throws {
        let (path, pairs) = try Self.cases("llama-bpe")
        let reference = TestEnvironment.packageRoot + "/Tests/References/relabelled-llama-bpe.ids.json"
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reference))) as? [String: Any])
        let expected = try #require(json["pretokenizers"] as? [String: [[Int]]])
        #expect(Set(expected.keys) == ["gpt-4o", "deepseek-v3", "glm4", "kimi-k2"])
        for (name, lists) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(lists.count == pairs.count, "\(name): \(lists.count) id lists for \(pairs.count) strings")
            let file = try GGUFFile(path: path).overriding([MetadataOverride(key: "tokenizer.ggml.pre", value: .string(name))])
            var tokenizer = Tokenizer(vocabulary: try Vocabulary(file: file))
            for (index, (pair, ids)) in zip(pairs, lists).enumerated() {
                let ours = tokenizer.encode(pair.text).map(Int.init)
                #expect(ours == ids, "\(name) #\(index) \(String(decoding: pair.text, as: UTF8.self).debugDescription): llama.cpp \(ids), ours \(ours)")
            }
        }
    }

    /// GLM-4.5's `tokenizer.ggml.pre = glm4` is llama.cpp's CHATGLM4 split — the Llama 3 regex —
    /// with merges ignored for whole-token words, as for `llama-bpe` (llama-vocab.cpp): on the
    /// llama-bpe vocabulary relabelled `glm4`, every test string gives llama.cpp's llama-bpe ids.
    @Test("glm4 and glm5 split like llama-bpe and ignore merges; chatglm-bpe splits the same way")
    func glm4PreTokenizer() throws {
        let (path, pairs) = try Self.cases("llama-bpe")
        for name in ["glm4", "glm5", "chatglm-bpe"] {
            let file = try GGUFFile(path: path).overriding([MetadataOverride(key: "tokenizer.ggml.pre", value: .string(name))])
            let vocabulary = try Vocabulary(file: file)
            #expect(vocabulary.preTokenizer == .llama3 && vocabulary.ignoreMerges == (name != "chatglm-bpe"), "\(name)")
            guard name != "chatglm-bpe" else { continue }
            var tokenizer = Tokenizer(vocabulary: vocabulary)
            let failures = pairs.filter { tokenizer.encode($0.text) != $0.ids }.count
            #expect(failures == 0, "\(name): \(failures) of \(pairs.count) strings differ from llama-bpe's ids")
        }
    }
}

/// BOS/EOS and special-token parsing on the Llama SentencePiece vocabulary (BOS 1, EOS 2,
/// add_bos true, add_eos false, space prefix on).
@Suite("SentencePiece special tokens", .needsFixtures)
struct SentencePieceSpecialTokenTests {
    @Test("BOS first only with addSpecial; a parsed special token is followed by a space prefix")
    func specialTokens() throws {
        let vocabulary = try Vocabulary(path: TestEnvironment.fixture("vocab/ggml-vocab-llama-spm.gguf"))
        #expect(vocabulary.addBOS && !vocabulary.addEOS && vocabulary.addSpacePrefix)
        #expect(vocabulary.special.beginOfSequence == 1 && vocabulary.special.endOfSequence == 2)
        var tokenizer = Tokenizer(vocabulary: vocabulary)
        let hello = tokenizer.encode("Hello")
        #expect(tokenizer.encode("Hello", addSpecial: true) == [1] + hello)
        #expect(hello == [try #require(vocabulary.tokens.id(of: "▁Hello".utf8))])
        // "</s>" is a control token: one token when parsed, then "Hello" gets its space prefix.
        #expect(tokenizer.encode("</s>Hello", parseSpecial: true) == [2] + hello)
        let plain = tokenizer.encode("</s>Hello")
        #expect(!plain.contains(2) && plain.count > 2)
        // llama.cpp strips the space prefix only from the first piece, and not after a removed BOS.
        #expect(tokenizer.decode(hello) == Array("Hello".utf8))
        #expect(tokenizer.decode([1] + hello, removeSpecial: true) == Array(" Hello".utf8))
        #expect(tokenizer.decode([1] + hello, unparseSpecial: true) == Array("<s> Hello".utf8))
    }
}
