import Kernels

/// A tensor's name, type and shape before its data exists: what a GGUF header records.
public struct GGUFTensorDescriptor: Sendable, Equatable {
    public let name: String
    public let type: GGMLType
    public let shape: [Int]
    /// Bytes of the tensor's data (without padding).
    public let byteCount: Int

    /// - Throws: ``GGUFError`` for an invalid name, a bad shape, or a row length that is not a
    ///   multiple of the type's block size.
    public init(name: String, type: GGMLType, shape: [Int]) throws(GGUFError) {
        func invalid(_ message: String) -> GGUFError {
            GGUFError(file: "<writer>", field: "tensor '\(name)'", kind: .invalidValue, message: message)
        }
        guard !name.isEmpty, name.utf8.count < GGUFLayout.maximumNameLength else {
            throw invalid("name must be 1 to \(GGUFLayout.maximumNameLength - 1) bytes")
        }
        guard (1...GGUFLayout.maximumDimensions).contains(shape.count), shape.allSatisfy({ $0 >= 0 }) else {
            throw invalid("shape \(shape) must have 1 to \(GGUFLayout.maximumDimensions) non-negative dimensions")
        }
        guard shape[0] % type.blockSize == 0 else {
            throw invalid("row length \(shape[0]) is not a multiple of \(type.name)'s block size \(type.blockSize)")
        }
        self.name = name
        self.type = type
        self.shape = shape
        byteCount = shape.reduce(1, *) / type.blockSize * type.typeSize
    }

    init(unchecked tensor: GGUFWriter.Tensor) {
        name = tensor.name
        type = tensor.type
        shape = tensor.shape
        byteCount = tensor.data.count
    }
}

/// Writes a GGUF file whose tensors are produced one at a time, so a model larger than memory
/// can be written: the header first (it only needs names, types and shapes), then each
/// tensor's bytes as `produce` fills them, into a temporary file renamed over `path` at the end.
/// The bytes are those ``GGUFWriter`` writes for the same metadata and tensors.
public enum GGUFStreamingWriter {
    /// Writes `metadata` and `tensors`; `produce(i, buffer)` fills tensor `i`'s
    /// `byteCount` bytes (tensors are produced in order, one buffer at a time). A tensor for
    /// which `stored(i)` returns its bytes (exactly `byteCount` of them, e.g. a copy straight
    /// from an input mapping) is written from there without `produce`.
    /// - Throws: ``GGUFError``: a duplicate tensor name, an error thrown by `produce`, or `.io`
    ///   naming the path when the file cannot be written.
    public static func write(
        metadata: GGUFMetadata, tensors: [GGUFTensorDescriptor], alignment: Int = 32,
        to path: String, stored: (Int) -> UnsafeRawBufferPointer? = { _ in nil },
        produce: (Int, UnsafeMutableRawBufferPointer) throws(GGUFError) -> Void
    ) throws(GGUFError) {
        precondition(alignment > 0 && alignment & (alignment - 1) == 0, "alignment must be a power of two")
        var names = Set<String>()
        for tensor in tensors where !names.insert(tensor.name).inserted {
            throw GGUFError(file: path, field: "tensor '\(tensor.name)'", kind: .duplicateTensor, message: "duplicate tensor name '\(tensor.name)'")
        }
        let header = GGUFWriter.header(metadata: metadata, tensors: tensors, alignment: alignment)
        var produced: GGUFError?
        do throws(AtomicFile.WriteError) {
            try AtomicFile.write(to: path) { (descriptor) throws(AtomicFile.WriteError) in
                var headerFailure: AtomicFile.WriteError?
                header.withUnsafeBytes { bytes in
                    do throws(AtomicFile.WriteError) { try AtomicFile.writeAll(bytes, to: descriptor, path: path) } catch { headerFailure = error }
                }
                if let headerFailure { throw headerFailure }
                let largest = tensors.map { GGUFLayout.align($0.byteCount, to: alignment) }.max() ?? 0
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, largest), alignment: 64)
                defer { buffer.deallocate() }
                for (index, tensor) in tensors.enumerated() {
                    if let bytes = stored(index) {
                        precondition(bytes.count == tensor.byteCount, "stored bytes of '\(tensor.name)' do not match its size")
                        try AtomicFile.writeAll(bytes, to: descriptor, path: path)
                        let padding = GGUFLayout.align(tensor.byteCount, to: alignment) - tensor.byteCount
                        let zeros = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<padding])
                        zeros.initializeMemory(as: UInt8.self, repeating: 0)
                        try AtomicFile.writeAll(UnsafeRawBufferPointer(zeros), to: descriptor, path: path)
                        continue
                    }
                    let padded = GGUFLayout.align(tensor.byteCount, to: alignment)
                    let region = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<padded])
                    region.initializeMemory(as: UInt8.self, repeating: 0)
                    do throws(GGUFError) { try produce(index, UnsafeMutableRawBufferPointer(rebasing: buffer[0..<tensor.byteCount])) } catch {
                        produced = error
                        throw AtomicFile.WriteError(path: path, reason: "stopped: \(error.description)")
                    }
                    try AtomicFile.writeAll(UnsafeRawBufferPointer(region), to: descriptor, path: path)
                }
            }
        } catch {
            if let produced { throw produced }
            throw GGUFError(file: path, field: "file", kind: .io, message: "cannot write: \(error.reason)", cause: error)
        }
    }
}
