import Kernels

/// A bad quantization request, presented as one line: `FIELD: MESSAGE` (prefixed with the
/// file when one is involved), e.g. `importance: 1023 values, expected n_per_row = 1024`.
public struct QuantizationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file the request came from, or nil.
    public var file: String?
    /// The field or argument concerned (`type`, `n_per_row`, `importance[17]`, `input`).
    public var field: String
    /// The explanation, including the offending value.
    public var message: String

    public init(file: String? = nil, field: String, message: String) {
        self.file = file
        self.field = field
        self.message = message
    }

    public var description: String {
        ErrorText.line((file.map { "\(ErrorText.value($0, limit: 400)): " } ?? "") + "\(ErrorText.value(field)): \(message)")
    }
}
