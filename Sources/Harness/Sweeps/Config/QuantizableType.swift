import GGUF
import Quantization

/// A type name in a sweep config (`types`, a recipe's fixed type): a ggml type this project's
/// quantizers write, decoded from its name (`Q4_K`, case-insensitive) and encoded as ggml's name.
public struct QuantizableType: Codable, Sendable, Equatable, Hashable {
    public let type: GGMLType

    public init(_ type: GGMLType) { self.type = type }

    /// The type named `name`, or the one-line reason it is not one.
    static func named(_ name: String) -> Result<GGMLType, TypeNameProblem> {
        guard let type = GGMLType(name: name), RowQuantizer.supports(type) else {
            let names = RowQuantizer.supportedTypes.map(\.name).joined(separator: ", ")
            return .failure(TypeNameProblem(message: "'\(name)' is not a type this project quantizes (\(names))"))
        }
        return .success(type)
    }

    /// Why a name is not a quantizable type.
    struct TypeNameProblem: Error {
        let message: String
    }

    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        switch Self.named(name) {
        case .success(let type): self.type = type
        case .failure(let problem):
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: problem.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var single = encoder.singleValueContainer()
        try single.encode(type.name)
    }
}
