import Kernels

/// An error about a GGUF file or its contents, presented as one line:
/// `FILE: FIELD: MESSAGE`, e.g.
/// `model.gguf: header.version: unsupported GGUF version 7 (supported: 2, 3)`.
public struct GGUFError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, for callers and tests that branch on it.
    public enum Kind: String, Sendable, Equatable {
        case io
        case truncated
        case badMagic
        case unsupportedVersion
        case lengthPastEnd
        case offsetPastEnd
        case unknownValueType
        case unknownTensorType
        case unsupportedTensorType
        case duplicateKey
        case duplicateTensor
        case misaligned
        case invalidValue
        case missingKey
        case typeMismatch
        case missingTensor
        case shapeMismatch
    }

    /// The file (path) the error is about; `<memory>` for data built in memory.
    public var file: String
    /// The field, key or tensor concerned, e.g. `header.version`, `tensor_infos[3].type`,
    /// `general.alignment`.
    public var field: String
    /// The category of the error.
    public var kind: Kind
    /// The explanation, including the offending value.
    public var message: String

    public init(file: String, field: String, kind: Kind, message: String) {
        self.file = file
        self.field = field
        self.kind = kind
        self.message = message
    }

    public var description: String { ErrorText.line("\(ErrorText.value(file, limit: 400)): \(ErrorText.value(field)): \(message)") }
}
