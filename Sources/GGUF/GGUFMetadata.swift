/// The key–value metadata of a GGUF file, in file order, with typed accessors.
///
/// Typed accessors throw a ``GGUFError`` naming the file and the key when the key is missing
/// (`.missingKey`) or holds another type (`.typeMismatch`); the `…IfPresent` variants return
/// nil for a missing key but still throw for a wrong type. Integer accessors accept every
/// integer type (writers disagree on `UINT32` vs `INT32`), provided the value fits.
public struct GGUFMetadata: Sendable, Equatable {
    /// The file the metadata came from, used in error messages (`<memory>` when built in code).
    public let source: String
    /// Keys in file (or insertion) order.
    public private(set) var keys: [String] = []
    private var values: [String: GGUFValue] = [:]
    /// When set, every key asked for through a typed accessor is recorded (present or not), so
    /// a metadata override can be checked against what the model really reads.
    public var readLog: MetadataReadLog?

    public static func == (lhs: GGUFMetadata, rhs: GGUFMetadata) -> Bool {
        lhs.source == rhs.source && lhs.keys == rhs.keys && lhs.values == rhs.values
    }

    /// Empty metadata attributed to `source`.
    public init(source: String = "<memory>") {
        self.source = source
    }

    /// The number of key–value pairs.
    public var count: Int { keys.count }

    /// The raw value stored under `key`.
    public subscript(key: String) -> GGUFValue? { values[key] }

    /// Whether `key` is present.
    public func contains(_ key: String) -> Bool {
        readLog?.record(key)
        return values[key] != nil
    }

    /// Stores `value` under `key`, replacing an earlier value in place or appending a new key.
    public mutating func set(_ key: String, _ value: GGUFValue) {
        if values.updateValue(value, forKey: key) == nil { keys.append(key) }
    }

    /// Adds a new key; a key that is already present is an error (as in llama.cpp's reader).
    mutating func insertNew(_ key: String, _ value: GGUFValue, field: String) throws(GGUFError) {
        guard values[key] == nil else {
            throw GGUFError(file: source, field: field, kind: .duplicateKey, message: "duplicate key '\(key)'")
        }
        set(key, value)
    }

    /// Removes `key` if present.
    public mutating func remove(_ key: String) {
        if values.removeValue(forKey: key) != nil { keys.removeAll { $0 == key } }
    }

    // MARK: - Typed accessors

    /// The string under `key`.
    public func string(_ key: String) throws(GGUFError) -> String {
        try require(key, expected: "STRING") { if case .string(let s) = $0 { s } else { nil } }
    }

    /// The string under `key`, or nil when absent.
    public func stringIfPresent(_ key: String) throws(GGUFError) -> String? {
        try optional(key, expected: "STRING") { if case .string(let s) = $0 { s } else { nil } }
    }

    /// The integer under `key` (any integer type that fits `Int`).
    public func int(_ key: String) throws(GGUFError) -> Int {
        try require(key, expected: "an integer", \.integerValue)
    }

    /// The integer under `key`, or nil when absent.
    public func intIfPresent(_ key: String) throws(GGUFError) -> Int? {
        try optional(key, expected: "an integer", \.integerValue)
    }

    /// The floating-point number under `key` (`FLOAT32`, or `FLOAT64` rounded to float).
    public func float(_ key: String) throws(GGUFError) -> Float {
        try require(key, expected: "FLOAT32", Self.floatValue)
    }

    /// The floating-point number under `key`, or nil when absent.
    public func floatIfPresent(_ key: String) throws(GGUFError) -> Float? {
        try optional(key, expected: "FLOAT32", Self.floatValue)
    }

    /// The boolean under `key`.
    public func bool(_ key: String) throws(GGUFError) -> Bool {
        try require(key, expected: "BOOL") { if case .bool(let b) = $0 { b } else { nil } }
    }

    /// The boolean under `key`, or nil when absent.
    public func boolIfPresent(_ key: String) throws(GGUFError) -> Bool? {
        try optional(key, expected: "BOOL") { if case .bool(let b) = $0 { b } else { nil } }
    }

    /// The string array under `key`.
    public func strings(_ key: String) throws(GGUFError) -> [String] {
        try require(key, expected: "ARRAY[STRING]") { if case .array(.string(let s)) = $0 { s } else { nil } }
    }

    /// The string array under `key`, or nil when absent.
    public func stringsIfPresent(_ key: String) throws(GGUFError) -> [String]? {
        try optional(key, expected: "ARRAY[STRING]") { if case .array(.string(let s)) = $0 { s } else { nil } }
    }

    /// The float array under `key` (`ARRAY[FLOAT32]`, or `ARRAY[FLOAT64]` rounded to float).
    public func floats(_ key: String) throws(GGUFError) -> [Float] {
        try require(key, expected: "ARRAY[FLOAT32]", Self.floatValues)
    }

    /// The float array under `key`, or nil when absent.
    public func floatsIfPresent(_ key: String) throws(GGUFError) -> [Float]? {
        try optional(key, expected: "ARRAY[FLOAT32]", Self.floatValues)
    }

    /// The `Int32` array under `key` (any integer element type whose values fit `Int32`).
    public func int32s(_ key: String) throws(GGUFError) -> [Int32] {
        try require(key, expected: "ARRAY[INT32]", Self.int32Values)
    }

    /// The `Int32` array under `key`, or nil when absent.
    public func int32sIfPresent(_ key: String) throws(GGUFError) -> [Int32]? {
        try optional(key, expected: "ARRAY[INT32]", Self.int32Values)
    }

    /// The integer array under `key` (any integer element type whose values fit `Int`).
    public func ints(_ key: String) throws(GGUFError) -> [Int] {
        try require(key, expected: "an integer array", Self.intValues)
    }

    /// Either one integer or an integer array (per-layer values) under `key`, as an array.
    public func intOrInts(_ key: String) throws(GGUFError) -> [Int] {
        try require(key, expected: "an integer or an integer array") { value in
            if let single = value.integerValue { return [single] }
            return Self.intValues(value)
        }
    }

    // MARK: - Helpers

    private func require<T>(_ key: String, expected: String, _ extract: (GGUFValue) -> T?) throws(GGUFError) -> T {
        readLog?.record(key)
        guard let value = values[key] else {
            throw GGUFError(file: source, field: key, kind: .missingKey, message: "required key is missing")
        }
        return try convert(value, key: key, expected: expected, extract)
    }

    private func optional<T>(_ key: String, expected: String, _ extract: (GGUFValue) -> T?) throws(GGUFError) -> T? {
        readLog?.record(key)
        guard let value = values[key] else { return nil }
        return try convert(value, key: key, expected: expected, extract)
    }

    private func convert<T>(_ value: GGUFValue, key: String, expected: String, _ extract: (GGUFValue) -> T?) throws(GGUFError) -> T {
        guard let result = extract(value) else {
            var found = value.typeDescription
            if case .uint64(let big) = value, Int(exactly: big) == nil {
                found += " \(big), which does not fit Int"
            }
            throw GGUFError(file: source, field: key, kind: .typeMismatch, message: "expected \(expected), found \(found)")
        }
        return result
    }

    private static func floatValue(_ value: GGUFValue) -> Float? {
        switch value {
        case .float32(let f): f
        case .float64(let d): Float(d)
        case .uint8, .int8, .uint16, .int16, .uint32, .int32, .bool, .string, .array, .uint64, .int64: nil
        }
    }

    private static func floatValues(_ value: GGUFValue) -> [Float]? {
        switch value {
        case .array(.float32(let f)): f
        case .array(.float64(let d)): d.map { Float($0) }
        default: nil
        }
    }

    private static func intValues(_ value: GGUFValue) -> [Int]? {
        guard case .array(let array) = value else { return nil }
        return array.integerValues
    }

    private static func int32Values(_ value: GGUFValue) -> [Int32]? {
        if case .array(.int32(let v)) = value { return v }
        guard let ints = intValues(value) else { return nil }
        var result: [Int32] = []
        result.reserveCapacity(ints.count)
        for v in ints {
            guard let narrow = Int32(exactly: v) else { return nil }
            result.append(narrow)
        }
        return result
    }
}
