/// One `--override-kv KEY=TYPE:VALUE` (llama.cpp's syntax: TYPE is `int`, `float`, `bool` or
/// `str`; several are separated by commas or given by repeating the option): the model is read
/// as if its file said VALUE under KEY, e.g. `qwen3moe.expert_used_count=int:16` to route each
/// token to more experts while an imatrix is collected.
///
/// Stricter than llama.cpp, which warns and ignores: a value that does not parse, a type other
/// than the one the file stores under KEY, and (``GGUFFile/checkOverridesRead()``) a key the
/// model never reads are one-line errors.
public struct MetadataOverride: Sendable, Equatable, CustomStringConvertible {
    /// The overriding value, by llama.cpp's four override types.
    public enum Value: Sendable, Equatable {
        case int(Int64)
        case float(Double)
        case bool(Bool)
        case string(String)

        var typeName: String {
            switch self {
            case .int: "int"
            case .float: "float"
            case .bool: "bool"
            case .string: "str"
            }
        }
    }

    public var key: String
    public var value: Value

    public init(key: String, value: Value) {
        self.key = key
        self.value = value
    }

    /// `KEY=TYPE:VALUE`, as it would be written again.
    public var description: String {
        switch value {
        case .int(let v): "\(key)=int:\(v)"
        case .float(let v): "\(key)=float:\(v)"
        case .bool(let v): "\(key)=bool:\(v)"
        case .string(let v): "\(key)=str:\(v)"
        }
    }

    /// llama.cpp's limits: keys and string values of at most 127 bytes.
    static let maximumBytes = 127

    /// Parses one or more comma-separated overrides. As in llama.cpp, the list is read as a CSV
    /// row: a field in double quotes may hold commas (`"general.name=str:a,b"`), `""` inside
    /// quotes is one quote.
    /// - Throws: ``GGUFError`` (file `--override-kv`) naming the override and what is wrong.
    public static func parseList(_ text: String) throws(GGUFError) -> [MetadataOverride] {
        var result: [MetadataOverride] = []
        for field in csvFields(text) { result.append(try parse(field)) }
        return result
    }

    /// The fields of one CSV row (llama.cpp's `--override-kv` list syntax).
    static func csvFields(_ text: String) -> [String] {
        var fields: [String] = [], field = "", quoted = false
        var characters = text.makeIterator(), pending: Character? = nil
        while let character = pending ?? characters.next() {
            pending = nil
            switch character {
            case "\"" where !quoted && field.isEmpty: quoted = true
            case "\"" where quoted:
                if let next = characters.next() {
                    if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                } else {
                    quoted = false
                }
            case "," where !quoted:
                fields.append(field)
                field = ""
            default: field.append(character)
            }
        }
        fields.append(field)
        return fields
    }

    /// Parses one `KEY=TYPE:VALUE`.
    public static func parse(_ text: String) throws(GGUFError) -> MetadataOverride {
        func invalid(_ message: String) -> GGUFError {
            GGUFError(file: "--override-kv", field: text, kind: .invalidValue, message: message)
        }
        guard let equals = text.firstIndex(of: "=") else {
            throw invalid("expected KEY=TYPE:VALUE with TYPE int, float, bool or str")
        }
        let key = String(text[..<equals])
        guard !key.isEmpty, key.utf8.count <= maximumBytes else {
            throw invalid("the key must be 1 to \(maximumBytes) bytes")
        }
        let rest = text[text.index(after: equals)...]
        guard let colon = rest.firstIndex(of: ":") else {
            throw invalid("expected TYPE:VALUE after '=' (TYPE int, float, bool or str)")
        }
        let type = rest[..<colon], raw = String(rest[rest.index(after: colon)...])
        switch type {
        case "int":
            guard let value = Int64(raw) else { throw invalid("'\(raw)' is not an integer") }
            return MetadataOverride(key: key, value: .int(value))
        case "float":
            guard let value = Double(raw), value.isFinite else { throw invalid("'\(raw)' is not a finite number") }
            return MetadataOverride(key: key, value: .float(value))
        case "bool":
            guard raw == "true" || raw == "false" else { throw invalid("'\(raw)' is not true or false") }
            return MetadataOverride(key: key, value: .bool(raw == "true"))
        case "str":
            guard raw.utf8.count <= maximumBytes else { throw invalid("string values are at most \(maximumBytes) bytes") }
            return MetadataOverride(key: key, value: .string(raw))
        default:
            throw invalid("unknown type '\(type)' (int, float, bool or str)")
        }
    }

    /// The value to store in place of `existing` (nil: the key is absent).
    func replacement(for existing: GGUFValue?, file: String) throws(GGUFError) -> GGUFValue {
        func mismatch(_ stored: GGUFValue) -> GGUFError {
            GGUFError(file: file, field: key, kind: .typeMismatch,
                      message: "the override is \(value.typeName), but the file stores \(stored.typeDescription) (--override-kv \(self))")
        }
        func outOfRange(_ stored: GGUFValue) -> GGUFError {
            GGUFError(file: file, field: key, kind: .invalidValue,
                      message: "\(self) does not fit the file's \(stored.typeDescription)")
        }
        switch (value, existing) {
        case (.int(let v), nil): return .int64(v)
        case (.int(let v), let stored?):
            let converted: GGUFValue?
            switch stored {
            case .uint8: converted = UInt8(exactly: v).map { .uint8($0) }
            case .int8: converted = Int8(exactly: v).map { .int8($0) }
            case .uint16: converted = UInt16(exactly: v).map { .uint16($0) }
            case .int16: converted = Int16(exactly: v).map { .int16($0) }
            case .uint32: converted = UInt32(exactly: v).map { .uint32($0) }
            case .int32: converted = Int32(exactly: v).map { .int32($0) }
            case .uint64: converted = UInt64(exactly: v).map { .uint64($0) }
            case .int64: converted = .int64(v)
            case .array(let array) where array.integerValues != nil: converted = .int64(v) // one value for every layer
            default: throw mismatch(stored)
            }
            guard let converted else { throw outOfRange(stored) }
            return converted
        case (.float(let v), nil), (.float(let v), .float32?): return .float32(Float(v))
        case (.float(let v), .float64?): return .float64(v)
        case (.bool(let v), nil), (.bool(let v), .bool?): return .bool(v)
        case (.string(let v), nil), (.string(let v), .string?): return .string(v)
        case (_, let stored?): throw mismatch(stored)
        }
    }
}

extension GGUFValue {
    /// The value as a short text (`8`, `1e-06`, `true`, `'llama'`, `an array of 32 INT32`).
    var displayText: String {
        if let integer = integerValue { return "\(integer)" }
        switch self {
        case .float32(let v): return "\(v)"
        case .float64(let v): return "\(v)"
        case .bool(let v): return "\(v)"
        case .string(let v): return "'\(v)'"
        case .uint8, .int8, .uint16, .int16, .uint32, .int32, .array, .uint64, .int64: return typeDescription
        }
    }
}

extension GGUFFile {
    /// This file seen through `overrides` (tensor data shared): each key holds its override,
    /// converted to the integer or float type the file stores it in; the metadata records the
    /// keys that are read, for ``checkOverridesRead()``.
    /// - Throws: ``GGUFError`` for an override whose type differs from the stored value's, or
    ///   whose integer does not fit the stored type.
    public func overriding(_ overrides: [MetadataOverride]) throws(GGUFError) -> GGUFFile {
        guard !overrides.isEmpty else { return self }
        var edited = metadata
        let originals = overrides.map { metadata[$0.key] }
        for override in overrides {
            edited.set(override.key, try override.replacement(for: edited[override.key], file: path))
        }
        edited.readLog = MetadataReadLog()
        return GGUFFile(viewing: self, metadata: edited, overrides: overrides, originals: originals)
    }

    /// - Throws: ``GGUFError`` naming the first override whose key nothing has read (an
    ///   override the architecture does not use would silently change nothing).
    public func checkOverridesRead() throws(GGUFError) {
        guard let log = metadata.readLog else { return }
        for override in overrides where !log.contains(override.key) {
            let architecture = (try? metadata.stringIfPresent("general.architecture")) ?? nil
            throw GGUFError(file: path, field: override.key, kind: .invalidValue,
                            message: "--override-kv \(override): the \(architecture ?? "model")'s forward pass and tokenizer never read this key")
        }
    }
}
