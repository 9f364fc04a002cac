import Foundation
import GGUF
import Quantization

/// Parses ggml type names as the command line gives them, one name or a comma-separated list:
/// the one parser behind `--type`, `--types`, `--tensor-type`, `--output-tensor-type` and
/// `--token-embedding-type`. Errors are one line naming the option.
enum TypeList {
    /// What the named types must be good for; it decides the check and the message.
    enum Use: Sendable {
        /// Any ggml type (`unknown ggml type 'X'`).
        case any
        /// A type the quantizers write (`unknown type 'X'`, `cannot quantize to X (supported: …)`).
        case quantize
        /// A type the dequantizers read (`unknown or undecodable type 'X'`).
        case dequantize
    }

    /// Comma-separated names, each trimmed of spaces.
    static func parse(_ text: String, option: String, use: Use) throws(CommandError) -> [GGMLType] {
        var types: [GGMLType] = []
        for name in text.split(separator: ",") { types.append(try single(String(name), option: option, use: use)) }
        return types
    }

    /// One name, trimmed of spaces.
    static func single(_ text: String, option: String, use: Use) throws(CommandError) -> GGMLType {
        let name = text.trimmingCharacters(in: .whitespaces)
        let type = GGMLType(name: name)
        switch use {
        case .any:
            guard let type else { throw CommandError("\(option): unknown ggml type '\(name)'") }
            return type
        case .quantize:
            guard let type else { throw CommandError("\(option): unknown type '\(name)'") }
            guard RowQuantizer.supports(type) else {
                throw CommandError("\(option): cannot quantize to \(type.name) (supported: \(RowQuantizer.supportedTypes.map(\.name).joined(separator: ", ")))")
            }
            return type
        case .dequantize:
            guard let type, Dequantizer.supports(type) else { throw CommandError("\(option): unknown or undecodable type '\(name)'") }
            return type
        }
    }

    /// The `transform:` of a list option.
    static func reader(_ option: String, use: Use) -> @Sendable (String) throws -> [GGMLType] {
        { try parse($0, option: option, use: use) }
    }

    /// The `transform:` of a one-type option.
    static func singleReader(_ option: String, use: Use) -> @Sendable (String) throws -> GGMLType {
        { try single($0, option: option, use: use) }
    }
}
