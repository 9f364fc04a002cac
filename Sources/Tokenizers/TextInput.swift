import Foundation
import Kernels

/// Reading text to tokenize from a file the way llama.cpp's tools read `-f FILE`: the bytes
/// minus one trailing newline, with the escape sequences expanded unless asked not to; malformed UTF-8 is kept (it is tokenized as
/// llama.cpp does) and reported so the caller can warn.
public struct TextInput: Sendable {
    /// The bytes to tokenize.
    public var bytes: [UInt8]
    /// Offset of the first byte that is not well-formed UTF-8, or nil.
    public var firstInvalidUTF8Offset: Int?

    /// Text given directly (e.g. `--text`).
    public init(bytes: [UInt8]) {
        self.bytes = bytes
        firstInvalidUTF8Offset = LenientUTF8.firstInvalidOffset(bytes)
    }

    /// The text of the file at `path`, one trailing newline removed, then (unless
    /// `processEscapes` is false: `--no-escape`) llama.cpp's escape sequences expanded
    /// (``EscapeSequences``), as llama-imatrix and llama-perplexity read `-f`.
    public static func read(path: String, processEscapes: Bool = true) throws(TextInputError) -> TextInput {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw TextInputError(path: path, message: "cannot read the text file (\((error as NSError).localizedDescription))",
                                 cause: error)
        }
        var bytes = [UInt8](data)
        if bytes.last == 0x0A { bytes.removeLast() }
        return TextInput(bytes: processEscapes ? EscapeSequences.process(bytes) : bytes)
    }

    /// A one-line warning about malformed UTF-8 in `source`, or nil when the text is clean.
    public func invalidUTF8Warning(source: String) -> String? {
        guard let offset = firstInvalidUTF8Offset else { return nil }
        return "warning: \(source): byte \(offset): invalid UTF-8; tokenized as llama.cpp does (SentencePiece: byte tokens, BPE: U+FFFD per bad byte)"
    }
}

/// A text file that cannot be read, as one line `PATH: MESSAGE` (no field: the whole file).
public struct TextInputError: Error, CustomStringConvertible, Sendable {
    /// The text file.
    public let path: String
    /// Why it cannot be read.
    public let message: String
    /// The system's error, whose explanation `message` restates.
    public let cause: (any Error)?

    public init(path: String, message: String, cause: (any Error)? = nil) {
        self.path = path
        self.message = message
        self.cause = cause
    }

    public var description: String { ErrorText.line("\(ErrorText.value(path, limit: LocatedMessage.fileLimit)): \(message)") }
}
