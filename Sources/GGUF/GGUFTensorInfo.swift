/// One tensor's description in a GGUF file: name, type, shape and where its data lies.
///
/// `shape` is ggml's `ne`: the fastest-varying dimension first. A weight matrix with
/// `shape = [inFeatures, outFeatures]` is stored as `outFeatures` rows of `inFeatures`
/// elements; a 3-D expert tensor `[inFeatures, outFeatures, experts]` is `experts` such
/// matrices one after another.
public struct GGUFTensorInfo: Sendable, Equatable, Hashable {
    /// The tensor name, e.g. `blk.0.attn_q.weight`.
    public let name: String
    /// The storage type.
    public let type: GGMLType
    /// Dimensions, fastest-varying first (ggml `ne`), 1 to 4 entries.
    public let shape: [Int]
    /// Offset of the data from the start of the file's data section.
    public let offset: Int
    /// Index of the tensor in the file's tensor list.
    public let index: Int

    public init(name: String, type: GGMLType, shape: [Int], offset: Int, index: Int) {
        self.name = name
        self.type = type
        self.shape = shape
        self.offset = offset
        self.index = index
    }

    /// Number of elements.
    public var elementCount: Int { shape.reduce(1, *) }
    /// Elements per row: `shape[0]`.
    public var rowLength: Int { shape.first ?? 1 }
    /// Number of rows: the product of all dimensions but the first.
    public var rowCount: Int { shape.dropFirst().reduce(1, *) }
    /// Bytes of one row.
    public var rowByteCount: Int { rowLength / type.blockSize * type.typeSize }
    /// Bytes of the whole tensor.
    public var byteCount: Int { rowCount * rowByteCount }
}
