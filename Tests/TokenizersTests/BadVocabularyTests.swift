import Foundation
import Kernels
import Testing
import GGUF
import Tokenizers
import TestSupport

/// Malformed vocabularies and text: each gives a one-line error naming the file and the key.
@Suite("Bad vocabularies and text")
struct BadVocabularyTests {
    /// A small valid byte-level BPE vocabulary: the 256 byte characters, "ab", and merge "a b".
    static func bytePairVocabulary() -> GGUFWriter {
        var writer = GGUFWriter()
        writer.metadata.set("general.architecture", .string("llama"))
        writer.metadata.set("tokenizer.ggml.model", .string("gpt2"))
        writer.metadata.set("tokenizer.ggml.pre", .string("gpt-2"))
        var tokens = (0..<256).map { String(UnicodeScalar(Self.byteCharacter($0))!) }
        tokens.append("ab")
        writer.metadata.set("tokenizer.ggml.tokens", .array(.string(tokens)))
        writer.metadata.set("tokenizer.ggml.token_type", .array(.int32([Int32](repeating: 1, count: tokens.count))))
        writer.metadata.set("tokenizer.ggml.merges", .array(.string(["a b"])))
        return writer
    }

    /// The byte-level alphabet's character for `byte` (GPT-2's mapping).
    static func byteCharacter(_ byte: Int) -> UInt32 {
        if (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte) { return UInt32(byte) }
        let shifted = (0..<byte).filter { !((0x21...0x7E).contains($0) || (0xA1...0xAC).contains($0) || (0xAE...0xFF).contains($0)) }.count
        return 256 + UInt32(shifted)
    }

    static func error(_ writer: GGUFWriter, allowDefault: Bool = false) throws -> GGUFError? {
        let directory = try TemporaryDirectory()
        let path = directory.file("vocab.gguf")
        try writer.write(to: path)
        do {
            _ = try Vocabulary(path: path, allowDefaultPreTokenizer: allowDefault)
            return nil
        } catch {
            #expect(error.description.hasPrefix(path + ": "))
            #expect(!error.description.contains("\n"))
            return error
        }
    }

    @Test("The small vocabulary is valid and merges")
    func valid() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("vocab.gguf")
        try Self.bytePairVocabulary().write(to: path)
        var tokenizer = Tokenizer(vocabulary: try Vocabulary(path: path))
        #expect(tokenizer.encode("ab") == [256])
        #expect(tokenizer.encode("ba") == [Int32(UInt8(ascii: "b")), Int32(UInt8(ascii: "a"))])   // token i is byte i
        #expect(tokenizer.encode(" a") == [32, 97])   // the space is spelled Ġ, still token 32
    }

    @Test("Scores and token types must have one entry per token")
    func mismatchedLengths() throws {
        var writer = Self.bytePairVocabulary()
        writer.metadata.set("tokenizer.ggml.scores", .array(.float32([0, 1])))
        let scores = try #require(try Self.error(writer))
        #expect(scores.field == "tokenizer.ggml.scores")
        #expect(scores.description.contains("has 2 entries but tokenizer.ggml.tokens has 257"))

        writer = Self.bytePairVocabulary()
        writer.metadata.set("tokenizer.ggml.token_type", .array(.int32([1, 1, 1])))
        #expect(try Self.error(writer)?.field == "tokenizer.ggml.token_type")

        writer = Self.bytePairVocabulary()
        writer.metadata.set("tokenizer.ggml.token_type", .array(.int32([Int32](repeating: 9, count: 257))))
        #expect(try Self.error(writer)?.field == "tokenizer.ggml.token_type[0]")
    }

    @Test("A merge naming an unknown token, or without a space, is an error")
    func badMerges() throws {
        var writer = Self.bytePairVocabulary()
        writer.metadata.set("tokenizer.ggml.merges", .array(.string(["a b", "ab zz"])))
        let unknown = try #require(try Self.error(writer))
        #expect(unknown.field == "tokenizer.ggml.merges[1]")
        #expect(unknown.description.contains("names unknown token 'zz'"))

        writer.metadata.set("tokenizer.ggml.merges", .array(.string(["ab"])))
        #expect(try Self.error(writer)?.description.contains("is not two tokens separated by a space") == true)

        writer.metadata.remove("tokenizer.ggml.merges")
        #expect(try Self.error(writer)?.field == "tokenizer.ggml.merges")
    }

    @Test("Unknown pre-tokenizer: an error unless the default is allowed; unknown model: an error")
    func unknownNames() throws {
        var writer = Self.bytePairVocabulary()
        writer.metadata.set("tokenizer.ggml.pre", .string("no-such-pre"))
        let pre = try #require(try Self.error(writer))
        #expect(pre.field == "tokenizer.ggml.pre")
        #expect(pre.description.contains("--allow-default-pretokenizer"))
        #expect(try Self.error(writer, allowDefault: true) == nil)

        writer = Self.bytePairVocabulary()
        writer.metadata.set("tokenizer.ggml.model", .string("t5"))
        #expect(try Self.error(writer)?.description.contains("unsupported tokenizer model 't5'") == true)

        writer = Self.bytePairVocabulary()
        writer.metadata.remove("tokenizer.ggml.tokens")
        #expect(try Self.error(writer)?.field == "tokenizer.ggml.tokens")

        writer = Self.bytePairVocabulary()
        writer.metadata.set("tokenizer.ggml.bos_token_id", .uint32(999))
        #expect(try Self.error(writer) == nil)
    }

    @Test("A special id outside the vocabulary keeps the default with a warning, whatever its value (llama.cpp's rule)")
    func specialIDsOutsideTheVocabulary() throws {
        let directory = try TemporaryDirectory()
        var ids: [Int32?] = []
        var warnings: [[String]] = []
        for value: GGUFValue in [.uint32(999), .uint32(UInt32.max), .int32(-1), .uint32(3)] {
            var writer = Self.bytePairVocabulary()
            writer.metadata.set("tokenizer.ggml.bos_token_id", value)
            let path = directory.file("v\(ids.count).gguf")
            try writer.write(to: path)
            let vocabulary = try Vocabulary(path: path)
            ids.append(vocabulary.special.beginOfSequence)
            warnings.append(vocabulary.warnings)
        }
        #expect(ids[0] == ids[1] && ids[1] == ids[2], "999, 0xFFFFFFFF and -1 are treated alike")
        #expect(ids[3] == 3)
        for index in 0..<3 {
            #expect(warnings[index].count == 1 && warnings[index][0].contains("tokenizer.ggml.bos_token_id"), "\(warnings[index])")
        }
        #expect(warnings[3].isEmpty)
    }

    @Test("Invalid UTF-8 is tokenized as llama.cpp does and reported", .needsFixtures)
    func invalidUTF8() throws {
        let text: [UInt8] = [0x61, 0xFF, 0x62, 0xC3]   // a, a stray byte, b, a truncated sequence
        let input = TextInput(bytes: text)
        #expect(input.firstInvalidUTF8Offset == 1)
        #expect(input.invalidUTF8Warning(source: "t.txt")?.hasPrefix("warning: t.txt: byte 1: invalid UTF-8") == true)

        // SentencePiece: the bad bytes become byte tokens.
        var spm = Tokenizer(vocabulary: try Vocabulary(path: TestEnvironment.fixture("vocab/ggml-vocab-llama-spm.gguf")))
        let byteFF = try #require(spm.vocabulary.tokens.id(of: "<0xFF>".utf8))
        let byteC3 = try #require(spm.vocabulary.tokens.id(of: "<0xC3>".utf8))
        let spmIDs = spm.encode(text)
        #expect(spmIDs.contains(byteFF) && spmIDs.last == byteC3)
        #expect(spm.decode(spmIDs) == text)

        // Byte-level BPE: each bad byte is read as U+FFFD.
        var bpe = Tokenizer(vocabulary: try Vocabulary(path: TestEnvironment.fixture("vocab/ggml-vocab-gpt-2.gguf")))
        #expect(bpe.decode(bpe.encode(text)) == Array("a\u{FFFD}b\u{FFFD}".utf8))
    }

    @Test("An unreadable text file is an error naming it")
    func unreadableText() {
        #expect(throws: TextInputError.self) { try TextInput.read(path: "/nonexistent/calibration.txt") }
    }
}
