import Kernels

/// An error about an imatrix file or run, printed as one line: `FILE: FIELD: MESSAGE`, e.g.
/// `old.dat: blk.3.attn_q.weight.nval: 640 values do not fit in the file (ends at byte 812)`.
public struct ImatrixError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file (or model, or text) the error is about.
    public var file: String
    /// The entry, key or field concerned.
    public var field: String
    /// The explanation, including the offending value.
    public var message: String

    public init(file: String, field: String, message: String) {
        self.file = file
        self.field = field
        self.message = message
    }

    public var description: String { ErrorText.line("\(ErrorText.value(file, limit: 400)): \(ErrorText.value(field)): \(message)") }
}
