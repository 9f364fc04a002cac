import Kernels

/// Builds a GGUF v3 file from metadata and tensors and writes it atomically.
///
///     var writer = GGUFWriter()
///     writer.metadata.set("general.architecture", .string("llama"))
///     try writer.addTensor(name: "output_norm.weight", shape: [64], float32: values)
///     try writer.write(to: "tiny.gguf")
///
/// Layout: header, key–value pairs in insertion order, tensor infos in insertion order, zero
/// padding to the alignment, then each tensor's data padded to the alignment (the layout
/// gguf-py and llama.cpp write). An alignment other than 32 is recorded as `general.alignment`.
public struct GGUFWriter: Sendable {
    /// A tensor waiting to be written.
    public struct Tensor: Sendable {
        public let name: String
        public let type: GGMLType
        public let shape: [Int]
        public let data: [UInt8]
    }

    /// The metadata to write (`general.alignment` is managed by the writer).
    public var metadata = GGUFMetadata()
    /// The tensors to write, in order.
    public private(set) var tensors: [Tensor] = []
    /// Alignment of the data section and of each tensor: a power of two.
    public let alignment: Int

    /// A writer with the given data alignment (a power of two; GGUF's default is 32).
    public init(alignment: Int = 32) {
        precondition(alignment > 0 && alignment & (alignment - 1) == 0, "alignment must be a power of two")
        self.alignment = alignment
    }

    /// Adds a tensor of any type from its stored bytes (packed blocks for quantized types).
    /// - Throws: ``GGUFError`` for an invalid or duplicate name, a bad shape, or a byte count
    ///   that does not match the shape.
    public mutating func addTensor(name: String, type: GGMLType, shape: [Int], data: [UInt8]) throws(GGUFError) {
        let descriptor = try GGUFTensorDescriptor(name: name, type: type, shape: shape)
        guard !tensors.contains(where: { $0.name == name }) else {
            throw GGUFError(file: "<writer>", field: "tensor '\(name)'", kind: .duplicateTensor, message: "duplicate tensor name '\(name)'")
        }
        guard data.count == descriptor.byteCount else {
            throw GGUFError(file: "<writer>", field: "tensor '\(name)'", kind: .invalidValue,
                            message: "\(data.count) bytes given, shape \(shape) of \(type.name) needs \(descriptor.byteCount)")
        }
        tensors.append(Tensor(name: name, type: type, shape: shape, data: data))
    }

    /// Adds an F32 tensor.
    public mutating func addTensor(name: String, shape: [Int], float32 values: [Float]) throws(GGUFError) {
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 4)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        try addTensor(name: name, type: .f32, shape: shape, data: bytes)
    }

    /// Adds an F16 tensor, rounding `values` to half precision (round to nearest even, as ggml).
    public mutating func addTensor(name: String, shape: [Int], float16 values: [Float]) throws(GGUFError) {
        var bytes = [UInt8](repeating: 0, count: values.count * 2)
        values.withUnsafeBufferPointer { source in
            bytes.withUnsafeMutableBytes { destination in
                guard let input = source.baseAddress, let output = destination.baseAddress else { return }
                HalfPrecision.encode(input, count: source.count, into: output)
            }
        }
        try addTensor(name: name, type: .f16, shape: shape, data: bytes)
    }

    /// The complete file contents.
    public func serialized() -> [UInt8] {
        var out = ByteWriter()
        out.bytes = Self.header(metadata: metadata, tensors: tensors.map { GGUFTensorDescriptor(unchecked: $0) }, alignment: alignment)
        for tensor in tensors {
            out.bytes.append(contentsOf: tensor.data)
            out.pad(to: alignment)
        }
        return out.bytes
    }

    /// Everything before the first tensor's data: header, key–value pairs, tensor infos with
    /// their offsets, padding to the alignment.
    static func header(metadata: GGUFMetadata, tensors: [GGUFTensorDescriptor], alignment: Int) -> [UInt8] {
        var out = ByteWriter()
        var keyValues = metadata
        if alignment != GGUFLayout.defaultAlignment {
            keyValues.set(GGUFLayout.alignmentKey, .uint32(UInt32(alignment)))
        } else if keyValues[GGUFLayout.alignmentKey] != .uint32(UInt32(alignment)) {
            keyValues.remove(GGUFLayout.alignmentKey)
        }
        out.bytes.append(contentsOf: GGUFLayout.magic)
        out.append(GGUFLayout.writtenVersion)
        out.append(UInt64(tensors.count))
        out.append(UInt64(keyValues.count))
        for key in keyValues.keys {
            let value = keyValues[key]!
            out.append(key)
            out.append(value.type.rawValue)
            out.append(value)
        }
        var offset = 0
        for tensor in tensors {
            out.append(tensor.name)
            out.append(UInt32(tensor.shape.count))
            for dimension in tensor.shape { out.append(UInt64(dimension)) }
            out.append(tensor.type.rawValue)
            out.append(UInt64(offset))
            offset = GGUFLayout.align(offset + tensor.byteCount, to: alignment)
        }
        out.pad(to: alignment)
        return out.bytes
    }

    /// Writes the file to `path` atomically (temporary file, then rename).
    /// - Throws: `.io` naming the path when it cannot be written.
    public func write(to path: String) throws(GGUFError) {
        do {
            try AtomicFile.write(serialized(), to: path)
        } catch {
            throw GGUFError(file: path, field: "file", kind: .io, message: "cannot write: \(error.reason)", cause: error)
        }
    }
}
