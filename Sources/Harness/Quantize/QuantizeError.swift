/// A problem that stops `imx quantize` before or while it writes: the file (model, imatrix or
/// option) and the field (tensor, key, row) it concerns, and what is wrong.
public struct QuantizeError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let field: String
    public let message: String

    public init(file: String, field: String, message: String) {
        self.file = file
        self.field = field
        self.message = message
    }

    public var description: String { "\(file): \(field): \(message)" }
}
