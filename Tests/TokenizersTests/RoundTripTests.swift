import Foundation
import Testing
import Tokenizers
import TestSupport

/// Decoding llama.cpp's ids gives back the text, for every fixture string where llama.cpp's
/// own decoding does: byte-level BPE vocabularies that clean spaces (GPT-2, Llama 3) lose the
/// space before `?!.,` and some apostrophes by design, so strings containing those patterns
/// must come back exactly as that rule makes them.
@Suite("Round trip", .needsFixtures)
struct RoundTripTests {
    /// Whether llama.cpp's space cleaning changes `text`.
    static func cleaningApplies(_ text: [UInt8]) -> Bool {
        for i in 1..<max(text.count, 1) where text[i - 1] == 0x20 {
            if [0x3F, 0x21, 0x2E, 0x2C].contains(text[i]) { return true }
            if text[i] == 0x27 { return true }
        }
        return false
    }

    @Test("decode(llama.cpp's ids) == text", arguments: VocabFixtureTests.vocabularies)
    func roundTrip(_ name: String) throws {
        let (path, pairs) = try VocabFixtureTests.cases(name)
        let tokenizer = Tokenizer(vocabulary: try Vocabulary(path: path))
        var exact = 0
        for pair in pairs {
            let decoded = tokenizer.decode(pair.ids)
            if tokenizer.vocabulary.cleanSpaces && Self.cleaningApplies(pair.text) {
                #expect(decoded.count < pair.text.count, "\(name) \(String(decoding: pair.text, as: UTF8.self).debugDescription): cleaning should remove a space")
                continue
            }
            exact += 1
            #expect(decoded == pair.text, "\(name): \(String(decoding: pair.text, as: UTF8.self).debugDescription) decodes to \(String(decoding: decoded, as: UTF8.self).debugDescription)")
        }
        #expect(exact >= 30)
    }

    @Test("Space cleaning follows llama.cpp's three passes")
    func spaceCleaning() throws {
        let path = try TestEnvironment.fixture("vocab/ggml-vocab-gpt-2.gguf")
        var tokenizer = Tokenizer(vocabulary: try Vocabulary(path: path))
        let cases: [(String, String)] = [
            ("Hello , world !", "Hello, world!"),
            ("a ' b", "a'b"),
            ("it 's we 're they 've I 'm", "it's we're they've I'm"),
            ("don 't we 'll he 'd", "don 't we 'll he 'd"),
        ]
        for (text, expected) in cases {
            #expect(tokenizer.decodeString(tokenizer.encode(text)) == expected)
        }
    }
}
