/// Appends little-endian GGUF encodings to a byte buffer.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ string: String) {
        append(UInt64(string.utf8.count))
        bytes.append(contentsOf: string.utf8)
    }

    mutating func pad(to alignment: Int) {
        let padding = GGUFLayout.align(bytes.count, to: alignment) - bytes.count
        bytes.append(contentsOf: repeatElement(0, count: padding))
    }

    mutating func append(_ value: GGUFValue) {
        switch value {
        case .uint8(let v): append(v)
        case .int8(let v): append(v)
        case .uint16(let v): append(v)
        case .int16(let v): append(v)
        case .uint32(let v): append(v)
        case .int32(let v): append(v)
        case .float32(let v): append(v.bitPattern)
        case .bool(let v): append(UInt8(v ? 1 : 0))
        case .string(let v): append(v)
        case .array(let v): append(v)
        case .uint64(let v): append(v)
        case .int64(let v): append(v)
        case .float64(let v): append(v.bitPattern)
        }
    }

    mutating func append(_ array: GGUFArray) {
        append(array.elementType.rawValue)
        append(UInt64(array.count))
        switch array {
        case .uint8(let v): bytes.append(contentsOf: v)
        case .int8(let v): v.forEach { append($0) }
        case .uint16(let v): v.forEach { append($0) }
        case .int16(let v): v.forEach { append($0) }
        case .uint32(let v): v.forEach { append($0) }
        case .int32(let v): v.forEach { append($0) }
        case .float32(let v): v.forEach { append($0.bitPattern) }
        case .bool(let v): v.forEach { append(UInt8($0 ? 1 : 0)) }
        case .string(let v): v.forEach { append($0) }
        case .array(let v): v.forEach { append($0) }
        case .uint64(let v): v.forEach { append($0) }
        case .int64(let v): v.forEach { append($0) }
        case .float64(let v): v.forEach { append($0.bitPattern) }
        }
    }
}
