import ArgumentParser
import Foundation
import Kernels
import Tokenizers

/// `imx tokenize MODEL_OR_VOCAB.gguf (--text S | -f FILE) [--ids | --pieces] [--add-bos]
/// [--parse-special] [--json]`: the token ids llama.cpp would give a text.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Tokenize text with a GGUF model's or vocab-only file's tokenizer, exactly as llama.cpp does."
    )

    @Argument(help: "A GGUF model or vocab-only file.")
    var model: String

    @Option(help: "The text to tokenize.")
    var text: String?

    @Option(name: [.customShort("f"), .customLong("file")],
            help: "Read the text from this file (one trailing newline removed, as llama.cpp's -f).")
    var file: String?

    @Flag(help: "Print the ids on one line, space separated (the default).")
    var ids = false

    @Flag(help: "Print one token per line: id, then its text quoted.")
    var pieces = false

    @Flag(help: "Add BOS (and EOS) as the vocabulary says, as llama-imatrix and llama-perplexity do.")
    var addBos = false

    @Flag(help: "Turn control tokens written in the text (e.g. <start_of_turn>) into their token.")
    var parseSpecial = false

    @Flag(help: "Split with llama.cpp's default rules when tokenizer.ggml.pre is unknown.")
    var allowDefaultPretokenizer = false

    @Flag(help: "Print JSON: count, ids and pieces.")
    var json = false

    @Flag(name: .customLong("no-escape"),
          help: "Tokenize the text as written: do not expand \\n \\r \\t \\' \\\" \\\\ and \\xHH (llama-tokenize expands them by default).")
    var noEscape = false

    func validate() throws {
        guard (text == nil) != (file == nil) else { throw ValidationError("give exactly one of --text and -f/--file") }
        guard !(ids && pieces) else { throw ValidationError("--ids and --pieces exclude each other") }
    }

    func run() throws {
        let vocabulary = try Vocabulary(path: model, allowDefaultPreTokenizer: allowDefaultPretokenizer)
        for warning in vocabulary.warnings { Console.note(warning) }
        let input: TextInput
        if let file {
            input = try TextInput.read(path: file, processEscapes: !noEscape)
            if let warning = input.invalidUTF8Warning(source: file) { Console.note(warning) }
        } else {
            input = TextInput(bytes: noEscape ? Array(text!.utf8) : EscapeSequences.process(Array(text!.utf8)))
        }
        var tokenizer = Tokenizer(vocabulary: vocabulary)
        let tokens = tokenizer.encode(input.bytes, addSpecial: addBos, parseSpecial: parseSpecial)
        let texts = tokens.map { String(decoding: tokenizer.piece($0, special: true), as: UTF8.self) }
        if json {
            struct Report: Encodable { var count: Int; var ids: [Int32]; var pieces: [String] }
            try JSONOutput.print(Report(count: tokens.count, ids: tokens, pieces: texts))
        } else if pieces {
            for (id, piece) in zip(tokens, texts) { print("\(id)\t\(piece.debugDescription)") }
        } else {
            print(tokens.map(String.init).joined(separator: " "))
        }
    }
}
