import Kernels

/// A problem that stops `imx quantize` before or while it writes: the file (model, imatrix or
/// option) and the field (tensor, key, row) it concerns, and what is wrong.
public struct QuantizeError: LocatedError, Sendable {
    /// The file, field, message and cause (``LocatedError``).
    public var located: LocatedMessage

    public init(file: String, field: String, message: String, cause: (any Error)? = nil) {
        located = LocatedMessage(file: file, field: field, message: message, cause: cause)
    }

    /// `FILE: FIELD: MESSAGE` as given (``LocatedMessage/verbatim``): `imx` escapes the whole line.
    public var description: String { located.verbatim }
}
