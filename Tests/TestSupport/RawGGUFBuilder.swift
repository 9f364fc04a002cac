/// Hand-assembled GGUF bytes for tests, so that any field can be written wrong on purpose.
public struct RawGGUFBuilder {
    public var bytes: [UInt8] = []

    public init() {}

    public mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    public mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }

    /// A GGUF string: `u64` length (overridable, to lie about it), then the bytes.
    public mutating func string(_ s: String, length: UInt64? = nil) { raw(Array(s.utf8), length: length) }

    /// A GGUF string from raw bytes (which need not be UTF-8).
    public mutating func raw(_ content: [UInt8], length: UInt64? = nil) {
        u64(length ?? UInt64(content.count))
        bytes += content
    }

    /// Magic, version, tensor count, metadata count.
    public mutating func header(version: UInt32 = 3, tensors: UInt64, keys: UInt64) {
        bytes += Array("GGUF".utf8)
        u32(version)
        u64(tensors)
        u64(keys)
    }

    /// A `UINT32` metadata pair.
    public mutating func keyU32(_ key: String, _ value: UInt32) {
        string(key)
        u32(4)
        u32(value)
    }

    /// A tensor info: name, dimensions, type id, data offset.
    public mutating func tensorInfo(_ name: String, shape: [UInt64], type: UInt32 = 0, offset: UInt64) {
        string(name)
        u32(UInt32(shape.count))
        shape.forEach { u64($0) }
        u32(type)
        u64(offset)
    }

    /// Zero padding to `alignment`, then `dataBytes` zero bytes of tensor data.
    public mutating func padData(alignment: Int = 32, dataBytes: Int) {
        while bytes.count % alignment != 0 { bytes.append(0) }
        bytes += [UInt8](repeating: 0, count: dataBytes)
    }
}
