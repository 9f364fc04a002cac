import Kernels

/// A problem with the input of an evaluation (text, chunking), as one line:
/// `SOURCE: FIELD: message`, e.g. `notes.txt: tokens: need at least 1024 tokens …`.
public struct EvaluationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The text file (or other source) concerned.
    public var source: String
    /// The setting or quantity concerned.
    public var field: String
    /// What is wrong, with the numbers involved.
    public var message: String

    public init(source: String, field: String, message: String) {
        self.source = source
        self.field = field
        self.message = message
    }

    public var description: String { ErrorText.line("\(ErrorText.value(source, limit: 400)): \(ErrorText.value(field)): \(message)") }
}
