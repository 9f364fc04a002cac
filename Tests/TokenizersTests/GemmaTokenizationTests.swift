import Foundation
import Testing
import GGUF
import Tokenizers
import TestSupport

/// The real gemma-3 vocabulary (262,144 SentencePiece tokens, no space prefix, user-defined
/// whitespace-run tokens) against llama.cpp's complete tokenization of the reference text.
@Suite("Gemma 3 tokenization", .needsModel, .needsFixtures)
struct GemmaTokenizationTests {
    /// The reference text as llama.cpp reads it with `-f`: one trailing newline removed.
    static func referenceText() throws -> [UInt8] {
        var text = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestEnvironment.fixture("text/gpl3-apache2.txt"))))
        if text.last == 0x0A { text.removeLast() }
        return text
    }

    @Test("The reference text gives llama.cpp's 9,883 ids: 19 chunks of 512")
    func referenceTokenization() throws {
        let vocabulary = try Vocabulary(path: TestEnvironment.gemmaModel())
        #expect(vocabulary.model == .sentencePiece)
        #expect(vocabulary.count == 262_144)
        #expect(vocabulary.addBOS && !vocabulary.addEOS && !vocabulary.addSpacePrefix)
        #expect(vocabulary.special.beginOfSequence == 2)
        var tokenizer = Tokenizer(vocabulary: vocabulary)
        let ids = tokenizer.encode(try Self.referenceText(), addSpecial: true)
        let expected = try ReferenceTokens.gemmaReferenceText()
        #expect(ids.count == expected.count)
        #expect(ids.count / 512 == 19)
        if let first = zip(ids, expected).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
            Issue.record("first difference at \(first.offset): ours \(first.element.0), llama.cpp \(first.element.1)")
        }
        #expect(ids == expected)
    }

    @Test("Decoding the ids gives back the text")
    func roundTrip() throws {
        var tokenizer = Tokenizer(vocabulary: try Vocabulary(path: TestEnvironment.gemmaModel()))
        let text = try Self.referenceText()
        let ids = tokenizer.encode(text, addSpecial: true)
        #expect(tokenizer.decode(ids, removeSpecial: true) == text)
    }

    @Test("Special tokens: parsed into one token only with parseSpecial; user-defined runs always")
    func specialTokens() throws {
        let vocabulary = try Vocabulary(path: TestEnvironment.gemmaModel())
        var tokenizer = Tokenizer(vocabulary: vocabulary)
        let startOfTurn = try #require(vocabulary.tokens.id(of: "<start_of_turn>".utf8))
        #expect(vocabulary.attributes(of: startOfTurn).contains(.control))
        let parsed = tokenizer.encode("<start_of_turn>user", parseSpecial: true)
        #expect(parsed.first == startOfTurn)
        let plain = tokenizer.encode("<start_of_turn>user")
        #expect(!plain.contains(startOfTurn) && plain.count > 2)
        #expect(tokenizer.decode(plain) == Array("<start_of_turn>user".utf8))
        // Three newlines are one user-defined token, matched even without parseSpecial.
        let newlines = try #require(vocabulary.tokens.id(of: "\n\n\n".utf8))
        #expect(tokenizer.encode("a\n\n\nb").contains(newlines))
    }
}
