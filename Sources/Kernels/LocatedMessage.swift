/// What a located error says: the file (or option, or `<memory>`), the field inside it (a key,
/// a tensor, a JSON path, a row), the explanation, and the error that caused it, if any.
///
/// It prints as the one line every module's error prints, `FILE: FIELD: MESSAGE`, with the file
/// and the field made safe to print (``ErrorText``): control characters escaped, the file cut
/// beyond 400 characters and the field beyond ``ErrorText/valueLimit``.
public struct LocatedMessage: Sendable, Equatable, CustomStringConvertible {
    /// The longest file name kept whole in ``description``.
    public static let fileLimit = 400

    /// The file (path) the error is about, or what stands for it (`--formula`, `<memory>`).
    public var file: String
    /// The field, key, tensor or path inside `file` that is concerned.
    public var field: String
    /// The explanation, including the offending value.
    public var message: String
    /// The underlying error whose explanation `message` restates; nil when there is none.
    public var cause: (any Error)?

    public init(file: String, field: String, message: String, cause: (any Error)? = nil) {
        self.file = file
        self.field = field
        self.message = message
        self.cause = cause
    }

    /// `FILE: FIELD: MESSAGE` on one line, file and field escaped and cut.
    public var description: String {
        ErrorText.line("\(ErrorText.value(file, limit: Self.fileLimit)): \(ErrorText.value(field)): \(message)")
    }

    /// `FILE: FIELD: MESSAGE` exactly as given, for errors whose caller escapes the whole line.
    public var verbatim: String { "\(file): \(field): \(message)" }

    /// Equal when they say the same thing: the same file, field and message, and causes that
    /// are both absent or print the same.
    public static func == (lhs: LocatedMessage, rhs: LocatedMessage) -> Bool {
        lhs.file == rhs.file && lhs.field == rhs.field && lhs.message == rhs.message
            && lhs.cause.map { String(describing: $0) } == rhs.cause.map { String(describing: $0) }
    }
}
