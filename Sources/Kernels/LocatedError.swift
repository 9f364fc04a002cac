/// An error about one place in an input, printed as one line `FILE: FIELD: MESSAGE`
/// (``LocatedMessage``). Each module's error (`GGUFError`, `ImatrixError`, `ModelError`,
/// `EvaluationError`, `SweepConfigError`, `QuantizeError`) conforms by storing a
/// ``LocatedMessage`` and gets its file, field, message, cause and description from here.
public protocol LocatedError: Error, CustomStringConvertible {
    /// Where the error is, what it says and what caused it.
    var located: LocatedMessage { get set }
}

extension LocatedError {
    /// The file (path) the error is about, or what stands for it.
    public var file: String {
        get { located.file }
        set { located.file = newValue }
    }

    /// The field, key, tensor or path concerned.
    public var field: String {
        get { located.field }
        set { located.field = newValue }
    }

    /// The explanation, including the offending value.
    public var message: String {
        get { located.message }
        set { located.message = newValue }
    }

    /// The underlying error this one restates, or nil.
    public var cause: (any Error)? {
        get { located.cause }
        set { located.cause = newValue }
    }

    /// `FILE: FIELD: MESSAGE` on one line (``LocatedMessage/description``).
    public var description: String { located.description }
}
