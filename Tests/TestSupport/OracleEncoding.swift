import Foundation
import GGUF

/// Encodes this project's GGUF values in the JSON shape `Tests/Oracles/gguf_dump.py` prints,
/// so that both readers can be compared value by value.
public enum OracleEncoding {
    /// `{"type": NAME, "value": …}` with floats as bit patterns and arrays as
    /// `{"element_type": NAME, "values": […]}`.
    public static func entry(_ value: GGUFValue) -> [String: Any] {
        ["type": value.type.description, "value": payload(value)]
    }

    static func payload(_ value: GGUFValue) -> Any {
        switch value {
        case .uint8(let v): Int(v)
        case .int8(let v): Int(v)
        case .uint16(let v): Int(v)
        case .int16(let v): Int(v)
        case .uint32(let v): Int(v)
        case .int32(let v): Int(v)
        case .uint64(let v): NSNumber(value: v)
        case .int64(let v): Int(v)
        case .float32(let v): Int(v.bitPattern)
        case .float64(let v): NSNumber(value: v.bitPattern)
        case .bool(let v): v
        case .string(let v): v
        case .array(let v): array(v)
        }
    }

    static func array(_ array: GGUFArray) -> [String: Any] {
        let values: [Any] = switch array {
        case .uint8(let v): v.map { Int($0) }
        case .int8(let v): v.map { Int($0) }
        case .uint16(let v): v.map { Int($0) }
        case .int16(let v): v.map { Int($0) }
        case .uint32(let v): v.map { Int($0) }
        case .int32(let v): v.map { Int($0) }
        case .uint64(let v): v.map { NSNumber(value: $0) }
        case .int64(let v): v.map { Int($0) }
        case .float32(let v): v.map { Int($0.bitPattern) }
        case .float64(let v): v.map { NSNumber(value: $0.bitPattern) }
        case .bool(let v): v
        case .string(let v): v
        case .array(let v): v.map { Self.array($0) }
        }
        return ["element_type": array.elementType.description, "values": values]
    }

    /// A canonical JSON string (sorted keys) for comparing two decoded structures.
    public static func canonical(_ object: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed]) else {
            return "<not JSON: \(object)>"
        }
        return String(decoding: data, as: UTF8.self)
    }
}
