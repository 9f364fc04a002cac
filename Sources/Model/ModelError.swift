import GGUF
import Kernels

/// A problem running a model, as one line `FILE: FIELD: MESSAGE` (``LocatedError``): a batch the
/// model cannot take, values that overflow, or a weight that cannot be read, e.g.
/// `model.gguf: tokens[3]: token id 70000 is outside the vocabulary of 32000`.
public struct ModelError: LocatedError, Sendable, Equatable {
    /// What went wrong, for callers and tests that branch on it.
    public enum Kind: String, Sendable, Equatable {
        /// The batch does not fit the model: a token id outside the vocabulary, a sequence longer
        /// than the context length, a requested position outside the sequence.
        case batch
        /// The forward pass produced non-finite router logits or logits.
        case nonFinite
        /// A weight could not be read from the file; the cause is the ``GGUFError``.
        case weights
    }

    /// The model file, the tensor or batch field concerned, the explanation and the cause.
    public var located: LocatedMessage
    /// The category of the error.
    public var kind: Kind

    public init(file: String, field: String, kind: Kind, message: String, cause: (any Error)? = nil) {
        located = LocatedMessage(file: file, field: field, message: message, cause: cause)
        self.kind = kind
    }

    /// A weight that cannot be read: `error`'s file, field and message, with `error` as the cause.
    public init(reading error: GGUFError) {
        self.init(file: error.file, field: error.field, kind: .weights, message: error.message, cause: error)
    }
}
