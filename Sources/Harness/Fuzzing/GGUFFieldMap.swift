/// The integer fields of a GGUF file's header, metadata and tensor infos, found by a tolerant
/// walk that stops where the bytes stop making sense: header counts, string lengths, value
/// types, array lengths and counts, tensor dimensions, types and offsets. The mutator writes
/// interesting integers over exactly these fields, so damage lands where readers decide sizes.
public enum GGUFFieldMap {
    /// At most this many fields are listed (a vocabulary holds hundreds of thousands of strings).
    static let maximumFields = 4096

    /// The fields of `bytes`, in file order.
    public static func fields(of bytes: [UInt8]) -> [FuzzField] {
        var walker = Walker(bytes: bytes)
        walker.walk()
        return walker.fields
    }

    private struct Walker {
        let bytes: [UInt8]
        var offset = 0
        var fields: [FuzzField] = []

        init(bytes: [UInt8]) { self.bytes = bytes }

        var full: Bool { fields.count >= GGUFFieldMap.maximumFields }

        /// Reads a little-endian integer of `width` bytes, recording it as a field.
        mutating func integer(_ width: Int, record: Bool = true) -> UInt64? {
            guard offset + width <= bytes.count else { return nil }
            var value: UInt64 = 0
            for i in 0..<width { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
            if record && !full { fields.append(FuzzField(offset: offset, width: width)) }
            offset += width
            return value
        }

        mutating func skip(_ count: UInt64) -> Bool {
            guard count <= UInt64(bytes.count - offset) else { return false }
            offset += Int(count)
            return true
        }

        mutating func string() -> Bool {
            guard let length = integer(8) else { return false }
            return skip(length)
        }

        /// Width of a scalar GGUF value type, 0 for string/array, nil for unknown.
        static func scalarWidth(_ type: UInt64) -> Int? {
            switch type {
            case 0, 1, 7: 1
            case 2, 3: 2
            case 4, 5, 6: 4
            case 10, 11, 12: 8
            case 8, 9: 0
            default: nil
            }
        }

        mutating func value(_ type: UInt64) -> Bool {
            guard let width = Self.scalarWidth(type) else { return false }
            if width > 0 { return integer(width) != nil }
            if type == 8 { return string() }
            guard let elementType = integer(4), let count = integer(8),
                  let elementWidth = Self.scalarWidth(elementType) else { return false }
            if elementWidth > 0 {
                // Record the first few elements, skip the rest.
                let (bytes, overflow) = count.multipliedReportingOverflow(by: UInt64(elementWidth))
                guard !overflow else { return false }
                let start = offset
                for _ in 0..<min(count, 4) where integer(elementWidth) == nil { return false }
                offset = start
                return skip(bytes)
            }
            for _ in 0..<count {
                if elementType == 8 {
                    if !string() { return false }
                } else if !value(elementType) {
                    return false
                }
                if full { return false }
            }
            return true
        }

        mutating func walk() {
            guard bytes.count >= 8, integer(4, record: false) != nil, integer(4) != nil,
                  let tensorCount = integer(8), let keyCount = integer(8) else { return }
            for _ in 0..<keyCount {
                guard !full, string(), let type = integer(4), value(type) else { return }
            }
            for _ in 0..<tensorCount {
                guard !full, string(), let dimensions = integer(4), dimensions <= 8 else { return }
                for _ in 0..<dimensions where integer(8) == nil { return }
                guard integer(4) != nil, integer(8) != nil else { return }
            }
        }
    }
}
