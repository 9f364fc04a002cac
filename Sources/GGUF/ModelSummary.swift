/// What `imx inspect` reports about a GGUF file: identity, hyper-parameters, tokenizer, file
/// type, and how many tensors, parameters and bytes each tensor type accounts for.
///
/// Hyper-parameters absent from the file are nil (a vocab-only GGUF has no `block_count`);
/// per-layer arrays (e.g. a per-layer `feed_forward_length`) are reported by their maximum.
public struct ModelSummary: Codable, Sendable, Equatable {
    /// One row of the per-type histogram.
    public struct TypeCount: Codable, Sendable, Equatable {
        public var type: String
        public var tensors: Int
        public var parameters: Int
        public var bytes: Int
    }

    /// One row of the tensor table.
    public struct TensorRow: Codable, Sendable, Equatable {
        public var name: String
        public var type: String
        public var shape: [Int]
        public var bytes: Int
    }

    public var path: String
    public var fileSize: Int
    /// The number of files (splits) the model is read from.
    public var fileCount: Int
    public var ggufVersion: Int
    public var metadataCount: Int
    public var alignment: Int
    /// `general.type`: `model`, `imatrix`, `vocab`, … (absent in older files).
    public var kind: String?
    public var architecture: String?
    public var name: String?
    public var sizeLabel: String?
    public var blockCount: Int?
    public var contextLength: Int?
    public var embeddingLength: Int?
    public var feedForwardLength: Int?
    public var expertFeedForwardLength: Int?
    public var headCount: Int?
    public var headCountKV: Int?
    public var keyLength: Int?
    public var valueLength: Int?
    public var expertCount: Int?
    public var expertUsedCount: Int?
    public var vocabularySize: Int?
    public var tokenizerModel: String?
    public var tokenizerPre: String?
    public var fileType: Int?
    public var fileTypeName: String?
    public var tensorCount: Int
    public var parameterCount: Int
    public var tensorBytes: Int
    /// Per storage type, in order of decreasing tensor count (then by name).
    public var types: [TypeCount]
    /// Every tensor, in file order; nil unless requested.
    public var tensors: [TensorRow]?

    /// Summarises `file`; `includeTensors` adds the per-tensor table.
    /// - Throws: ``GGUFError`` when a standard key is present with the wrong type.
    public init(_ file: GGUFFile, includeTensors: Bool = false) throws(GGUFError) {
        let m = file.metadata
        path = file.path
        fileSize = file.fileSize
        fileCount = file.paths.count
        ggufVersion = Int(file.version)
        metadataCount = m.count
        alignment = file.alignment
        kind = try m.stringIfPresent("general.type")
        architecture = try m.stringIfPresent("general.architecture")
        name = try m.stringIfPresent("general.name")
        sizeLabel = try m.stringIfPresent("general.size_label")
        if architecture != nil {
            blockCount = try Self.largest(m, .blockCount)
            contextLength = try Self.largest(m, .contextLength)
            embeddingLength = try Self.largest(m, .embeddingLength)
            feedForwardLength = try Self.largest(m, .feedForwardLength)
            expertFeedForwardLength = try Self.largest(m, .expertFeedForwardLength)
            headCount = try Self.largest(m, .headCount)
            headCountKV = try Self.largest(m, .headCountKV)
            keyLength = try Self.largest(m, .keyLength)
            valueLength = try Self.largest(m, .valueLength)
            expertCount = try Self.largest(m, .expertCount)
            expertUsedCount = try Self.largest(m, .expertUsedCount)
            vocabularySize = try Self.largest(m, .vocabSize)
        }
        if case .array(let tokens)? = m["tokenizer.ggml.tokens"] { vocabularySize = tokens.count }
        tokenizerModel = try m.stringIfPresent("tokenizer.ggml.model")
        tokenizerPre = try m.stringIfPresent("tokenizer.ggml.pre")
        fileType = try m.intIfPresent("general.file_type")
        fileTypeName = fileType.flatMap(LlamaFileType.name)

        tensorCount = file.tensors.count
        parameterCount = file.tensors.reduce(0) { $0 + $1.elementCount }
        tensorBytes = file.tensors.reduce(0) { $0 + $1.byteCount }
        var byType: [GGMLType: TypeCount] = [:]
        for tensor in file.tensors {
            var row = byType[tensor.type] ?? TypeCount(type: tensor.type.name, tensors: 0, parameters: 0, bytes: 0)
            row.tensors += 1
            row.parameters += tensor.elementCount
            row.bytes += tensor.byteCount
            byType[tensor.type] = row
        }
        types = byType.values.sorted { ($0.tensors, $1.type) > ($1.tensors, $0.type) }
        tensors = includeTensors
            ? file.tensors.map { TensorRow(name: $0.name, type: $0.type.name, shape: $0.shape, bytes: $0.byteCount) }
            : nil
    }

    /// `{arch}.{key}` as one integer, or the largest of a per-layer array; nil when absent.
    private static func largest(_ m: GGUFMetadata, _ key: GGUFArchitectureKey) throws(GGUFError) -> Int? {
        guard m.contains(try m.key(key)) else { return nil }
        return try m.intOrInts(key).max()
    }
}
