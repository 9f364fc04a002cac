import Foundation
import Testing
import TestSupport

/// `imx tokenize` as a user runs it.
@Suite("imx tokenize")
struct TokenizeCommandTests {
    static func imx(_ arguments: [String]) throws -> (stdout: String, stderr: String, status: Int32) {
        try InspectCommandTests.imx(arguments)
    }

    @Test("Ids on one line from a vocab-only file; --pieces and --json", .needsFixtures)
    func vocabOnly() throws {
        let vocab = try TestEnvironment.fixture("vocab/ggml-vocab-llama-bpe.gguf")
        let ids = try Self.imx(["tokenize", vocab, "--text", "Hello world"])
        #expect(ids.status == 0, "\(ids.stderr)")
        #expect(ids.stdout == "9906 1917\n")
        let pieces = try Self.imx(["tokenize", vocab, "--text", "Hello world", "--pieces", "--add-bos"])
        #expect(pieces.stdout == "128000\t\"<|begin_of_text|>\"\n9906\t\"Hello\"\n1917\t\" world\"\n")
        let json = try Self.imx(["tokenize", vocab, "--text", "Hello world", "--json"])
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["count"] as? Int == 2)
        #expect(object["ids"] as? [Int] == [9906, 1917])
    }

    @Test("The reference text file: llama.cpp's 9,883 ids with BOS", .needsModel, .needsFixtures)
    func referenceFile() throws {
        let result = try Self.imx(["tokenize", TestEnvironment.gemmaModel(), "-f",
                                   TestEnvironment.fixture("text/gpl3-apache2.txt"), "--add-bos"])
        #expect(result.status == 0, "\(result.stderr)")
        let ids = result.stdout.split(separator: " ").map { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))! }
        #expect(ids == (try ReferenceTokens.gemmaReferenceText()))
    }

    @Test("Special tokens only with --parse-special", .needsModel)
    func parseSpecial() throws {
        let model = try TestEnvironment.gemmaModel()
        let parsed = try Self.imx(["tokenize", model, "--text", "<start_of_turn>user", "--parse-special"])
        let plain = try Self.imx(["tokenize", model, "--text", "<start_of_turn>user"])
        #expect(parsed.stdout.split(separator: " ").count == 2)
        #expect(plain.stdout.split(separator: " ").count > 2)
    }

    @Test("Bad input: one-line errors and non-zero exits", .needsFixtures)
    func badInput() throws {
        let vocab = try TestEnvironment.fixture("vocab/ggml-vocab-gpt-2.gguf")
        let missing = try Self.imx(["tokenize", vocab, "-f", "/nonexistent/text.txt"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent/text.txt: cannot read the text file"))
        let both = try Self.imx(["tokenize", vocab, "--text", "x", "-f", "y"])
        #expect(both.status == 64)
        let notGGUF = try Self.imx(["tokenize", TestEnvironment.fixture("text/gpl3-apache2.txt"), "--text", "x"])
        #expect(notGGUF.status == 1)
        #expect(notGGUF.stderr.contains("gpl3-apache2.txt"))

        let directory = try TemporaryDirectory()
        let badText = directory.file("bad.txt")
        try Data([0x61, 0xFF, 0x62]).write(to: URL(fileURLWithPath: badText))
        let warned = try Self.imx(["tokenize", vocab, "-f", badText])
        #expect(warned.status == 0)
        #expect(warned.stderr.contains("bad.txt: byte 1: invalid UTF-8"))
    }
}

/// `-f` text read as llama.cpp's tools read it: escape sequences expanded unless `--no-escape`.
@Suite("Escape sequences in -f text")
struct EscapeSequenceTests {
    static let references = TestEnvironment.packageRoot + "/Tests/References/"

    @Test("llama-tokenize's ids for a text full of backslashes, with and without --no-escape", .needsModel)
    func likeLlamaTokenize() throws {
        let object = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.references + "escapes.gemma3-270m.ids.json"))) as? [String: [Int]])
        for (key, extra) in [("escaped", [String]()), ("no_escape", ["--no-escape"])] {
            let result = try InspectCommandTests.imx(["tokenize", TestEnvironment.gemmaModel(), "-f", Self.references + "escapes.txt", "--add-bos"] + extra)
            #expect(result.status == 0, "\(result.stderr)")
            let ids = result.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
            #expect(ids == object[key], "\(key)")
        }
    }
}
