import Kernels

/// An error about an imatrix file or run, printed as one line: `FILE: FIELD: MESSAGE`, e.g.
/// `old.dat: blk.3.attn_q.weight.nval: 640 values do not fit in the file (ends at byte 812)`.
public struct ImatrixError: LocatedError, Sendable, Equatable {
    /// The file (or model, or text) the error is about, the entry, key or field concerned, the
    /// explanation and its cause (``LocatedError``).
    public var located: LocatedMessage

    public init(file: String, field: String, message: String, cause: (any Error)? = nil) {
        located = LocatedMessage(file: file, field: field, message: message, cause: cause)
    }
}
