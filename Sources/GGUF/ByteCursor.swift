/// A bounds-checked little-endian reader over untrusted bytes.
///
/// Every read names the field being read, so a short or corrupt file produces a
/// ``GGUFError`` that says exactly where it broke.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    let file: String
    var offset: Int

    init(bytes: UnsafeRawBufferPointer, file: String, offset: Int = 0) {
        self.bytes = bytes
        self.file = file
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    func error(_ field: String, _ kind: GGUFError.Kind, _ message: String) -> GGUFError {
        GGUFError(file: file, field: field, kind: kind, message: message)
    }

    /// Throws `.truncated` unless `count` more bytes are available.
    func need(_ count: Int, _ field: String) throws(GGUFError) {
        guard count <= remaining else {
            throw error(field, .truncated, "file truncated at offset \(offset): need \(count) bytes, \(max(0, remaining)) left")
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ field: String) throws(GGUFError) -> T {
        let size = MemoryLayout<T>.size
        try need(size, field)
        let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += size
        return value
    }

    mutating func readFloat(_ field: String) throws(GGUFError) -> Float {
        Float(bitPattern: try read(UInt32.self, field))
    }

    mutating func readDouble(_ field: String) throws(GGUFError) -> Double {
        Double(bitPattern: try read(UInt64.self, field))
    }

    /// Reads a `u64` length that must be coverable by the rest of the file at `unitSize` bytes per unit.
    mutating func readLength(_ field: String, unitSize: Int, what: String) throws(GGUFError) -> Int {
        let start = offset
        let length = try read(UInt64.self, field)
        let (total, overflow) = Int(clamping: length).multipliedReportingOverflow(by: unitSize)
        guard length <= UInt64(Int.max), !overflow, total <= remaining else {
            throw error(field, .lengthPastEnd, "\(what) \(length) at offset \(start) runs past the end of the file (\(remaining) bytes left)")
        }
        return Int(length)
    }

    /// The bytes of a GGUF string (`u64` length, then UTF-8 without terminator).
    mutating func readStringBytes(_ field: String) throws(GGUFError) -> UnsafeRawBufferPointer {
        let length = try readLength(field, unitSize: 1, what: "string length")
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
        offset += length
        return slice
    }

    /// A GGUF string; invalid UTF-8 is repaired with U+FFFD (use raw bytes where that matters).
    mutating func readString(_ field: String) throws(GGUFError) -> String {
        String(decoding: try readStringBytes(field), as: UTF8.self)
    }

    mutating func readValueType(_ field: String) throws(GGUFError) -> GGUFValueType {
        let start = offset
        let raw = try read(UInt32.self, field)
        guard let type = GGUFValueType(rawValue: raw) else {
            throw error(field, .unknownValueType, "unknown value type \(raw) at offset \(start)")
        }
        return type
    }

    /// Reads one value of `type`.
    mutating func readValue(_ type: GGUFValueType, _ field: String, depth: Int = 0) throws(GGUFError) -> GGUFValue {
        switch type {
        case .uint8: .uint8(try read(UInt8.self, field))
        case .int8: .int8(try read(Int8.self, field))
        case .uint16: .uint16(try read(UInt16.self, field))
        case .int16: .int16(try read(Int16.self, field))
        case .uint32: .uint32(try read(UInt32.self, field))
        case .int32: .int32(try read(Int32.self, field))
        case .float32: .float32(try readFloat(field))
        case .bool: .bool(try read(UInt8.self, field) != 0)
        case .string: .string(try readString(field))
        case .uint64: .uint64(try read(UInt64.self, field))
        case .int64: .int64(try read(Int64.self, field))
        case .float64: .float64(try readDouble(field))
        case .array: .array(try readArray(field, depth: depth))
        }
    }

    /// The deepest array nesting accepted; deeper nesting is treated as corruption.
    static let maximumArrayDepth = 8

    /// Reads an array: element type `u32`, count `u64`, then the elements.
    mutating func readArray(_ field: String, depth: Int) throws(GGUFError) -> GGUFArray {
        guard depth < Self.maximumArrayDepth else {
            throw error(field, .invalidValue, "arrays nested deeper than \(Self.maximumArrayDepth) levels")
        }
        let elementType = try readValueType("\(field).type")
        let count = try readLength("\(field).count", unitSize: elementType.minimumSize, what: "array length")
        switch elementType {
        case .uint8: return .uint8(try readScalars(UInt8.self, count))
        case .int8: return .int8(try readScalars(Int8.self, count))
        case .uint16: return .uint16(try readScalars(UInt16.self, count))
        case .int16: return .int16(try readScalars(Int16.self, count))
        case .uint32: return .uint32(try readScalars(UInt32.self, count))
        case .int32: return .int32(try readScalars(Int32.self, count))
        case .uint64: return .uint64(try readScalars(UInt64.self, count))
        case .int64: return .int64(try readScalars(Int64.self, count))
        case .float32: return .float32(try readScalars(UInt32.self, count).map { Float(bitPattern: $0) })
        case .float64: return .float64(try readScalars(UInt64.self, count).map { Double(bitPattern: $0) })
        case .bool: return .bool(try readScalars(UInt8.self, count).map { $0 != 0 })
        case .string:
            var strings: [String] = []
            strings.reserveCapacity(count)
            for i in 0..<count { strings.append(try readString("\(field)[\(i)]")) }
            return .string(strings)
        case .array:
            var arrays: [GGUFArray] = []
            arrays.reserveCapacity(count)
            for i in 0..<count { arrays.append(try readArray("\(field)[\(i)]", depth: depth + 1)) }
            return .array(arrays)
        }
    }

    /// Reads `count` little-endian integers in one pass (the length was checked by the caller).
    private mutating func readScalars<T: FixedWidthInteger>(_: T.Type, _ count: Int) throws(GGUFError) -> [T] {
        let size = MemoryLayout<T>.size
        try need(count * size, "array data")
        let base = offset
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count {
                buffer[i] = T(littleEndian: bytes.loadUnaligned(fromByteOffset: base &+ i &* size, as: T.self))
            }
            initialized = count
        }
        offset += count * size
        return values
    }
}
