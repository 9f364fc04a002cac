import Kernels

/// An error about a GGUF file or its contents, presented as one line:
/// `FILE: FIELD: MESSAGE`, e.g.
/// `model.gguf: header.version: unsupported GGUF version 7 (supported: 2, 3)`.
public struct GGUFError: LocatedError, Sendable, Equatable {
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

    /// The file, field, message and cause (``LocatedError``); the file is `<memory>` for data
    /// built in memory, the field a key or tensor such as `header.version`,
    /// `tensor_infos[3].type`, `general.alignment`.
    public var located: LocatedMessage
    /// The category of the error.
    public var kind: Kind

    public init(file: String, field: String, kind: Kind, message: String, cause: (any Error)? = nil) {
        located = LocatedMessage(file: file, field: field, message: message, cause: cause)
        self.kind = kind
    }
}
