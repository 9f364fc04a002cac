import Kernels

/// A problem with the input of an evaluation (text, chunking), as one line:
/// `SOURCE: FIELD: message`, e.g. `notes.txt: tokens: need at least 1024 tokens …`.
public struct EvaluationError: LocatedError, Sendable, Equatable {
    /// The text file (or other source), the setting or quantity concerned, what is wrong with
    /// the numbers involved, and its cause (``LocatedError``).
    public var located: LocatedMessage

    /// The text file (or other source) concerned: the located error's file.
    public var source: String {
        get { located.file }
        set { located.file = newValue }
    }

    public init(source: String, field: String, message: String, cause: (any Error)? = nil) {
        located = LocatedMessage(file: source, field: field, message: message, cause: cause)
    }
}
