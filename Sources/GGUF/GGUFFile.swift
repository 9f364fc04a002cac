/// A GGUF file opened for reading: header, metadata, tensor infos, and zero-copy access to
/// tensor data through a read-only memory mapping.
///
///     let model = try GGUFFile(path: "models/gemma-3-270m-q4_k_m.gguf")
///     let blocks = try model.metadata.int(.blockCount)
///     let weight = try model.tensor(named: "blk.0.attn_q.weight")
///     let floats = try model.dequantize(weight)
///
/// Opening validates the whole header (see ``GGUFError/Kind``); tensor data is not touched
/// until it is asked for.
public final class GGUFFile: @unchecked Sendable {
    // @unchecked: every stored property is immutable after init and the mapping is read-only.

    /// The path the file was opened with.
    public let path: String
    /// The GGUF version (2 or 3).
    public let version: UInt32
    /// The key–value metadata.
    public let metadata: GGUFMetadata
    /// The tensor infos, in file order.
    public let tensors: [GGUFTensorInfo]
    /// The data alignment (`general.alignment`, default 32).
    public let alignment: Int
    /// File offset where the data section begins.
    public let dataOffset: Int
    /// Size of the file in bytes (of all its files, for a split model).
    public var fileSize: Int { parts.reduce(0) { $0 + $1.mapping.bytes.count } }
    /// The files the model is read from: `[path]`, or every split in order.
    public var paths: [String] { parts.map(\.mapping.path) }

    /// The first file's mapping (metadata and vocabulary live there).
    private let mapping: MappedFile
    /// Every file's mapping and data section, and the file of each tensor (by index).
    private let parts: [GGUFSplitPart]
    private let tensorPart: [Int]
    private let tensorIndex: [String: Int]
    private let valueOffsets: [String: Int]
    private let appliedOverrides: [MetadataOverride]
    private let overriddenValues: [GGUFValue?]

    /// Opens, maps and validates the GGUF file at `path`. When it is the first file of a split
    /// model (`split.count` > 1, as llama-gguf-split writes `NAME-00001-of-0000N.gguf`), the
    /// other splits are opened and validated too, and their tensors are this file's.
    public convenience init(path: String) throws(GGUFError) {
        let first = try MappedFile(path: path)
        let parsed = try GGUFParser.parse(first.bytes, file: path)
        let layout = try GGUFSplitLayout.load(first: parsed, mapping: first)
        self.init(first: first, parsed: parsed, layout: layout)
    }

    /// Validates the GGUF bytes of `mapping` (a mapped file, or a copy of bytes in memory:
    /// ``MappedFile/init(copying:path:)``); errors name `mapping.path`.
    /// Only this file is read (the other splits of a split model are not looked for).
    public convenience init(mapping: MappedFile) throws(GGUFError) {
        let parsed = try GGUFParser.parse(mapping.bytes, file: mapping.path)
        self.init(first: mapping, parsed: parsed,
                  layout: GGUFSplitLayout.single(parsed: parsed, mapping: mapping))
    }

    private init(first: MappedFile, parsed: GGUFParser.Result, layout: GGUFSplitLayout) {
        self.path = first.path
        self.mapping = first
        self.version = parsed.version
        self.metadata = parsed.metadata
        self.tensors = layout.tensors
        self.alignment = parsed.alignment
        self.dataOffset = parsed.dataOffset
        self.valueOffsets = parsed.valueOffsets
        self.parts = layout.parts
        self.tensorPart = layout.tensorPart
        self.appliedOverrides = []
        self.overriddenValues = []
        var index: [String: Int] = [:]
        for (i, tensor) in layout.tensors.enumerated() { index[tensor.name] = i }
        self.tensorIndex = index
    }

    /// The tensor called `name`.
    /// - Throws: `.missingTensor` naming the tensor when the file has no such tensor.
    public func tensor(named name: String) throws(GGUFError) -> GGUFTensorInfo {
        guard let info = tensorIfPresent(named: name) else {
            throw GGUFError(file: path, field: name, kind: .missingTensor, message: "tensor is missing")
        }
        return info
    }

    /// The tensor called `name`, or nil.
    public func tensorIfPresent(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// The stored bytes of `tensor`, pointing into the mapping (valid while `self` lives).
    public func data(of tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        let part = self.part(of: tensor)
        let start = part.dataOffset + tensor.offset
        return UnsafeRawBufferPointer(rebasing: part.mapping.bytes[start..<(start + tensor.byteCount)])
    }

    /// Releases the resident pages holding `tensor`'s data (for example after the tensor was
    /// converted and cached elsewhere); later reads fault them back in from the file.
    public func releasePages(of tensor: GGUFTensorInfo) {
        releasePages(of: tensor, bytes: 0..<tensor.byteCount)
    }

    /// Releases the resident pages holding bytes `bytes` (offsets within the tensor's data, clamped
    /// to it) of `tensor`; only whole pages inside the range are released.
    public func releasePages(of tensor: GGUFTensorInfo, bytes: Range<Int>) {
        let part = self.part(of: tensor)
        let start = part.dataOffset + tensor.offset
        let range = bytes.clamped(to: 0..<tensor.byteCount)
        part.mapping.releasePages((start + range.lowerBound)..<(start + range.upperBound))
    }

    /// The file holding `tensor`'s data (found by name: an info from another view of the file
    /// works too).
    /// The 0-based split file holding `tensor` (0 for a single-file model).
    public func splitIndex(of tensor: GGUFTensorInfo) -> Int {
        guard parts.count > 1, let index = tensorIndex[tensor.name] else { return 0 }
        return tensorPart[index]
    }

    /// The path of split `number` of `count` for a model written as `prefix` (`PREFIX-00001-of-00003.gguf`,
    /// llama.cpp's `llama_split_path`).
    public static func splitPath(prefix: String, number: Int, count: Int) -> String {
        prefix + GGUFSplitLayout.suffix(number: number, count: count)
    }

    private func part(of tensor: GGUFTensorInfo) -> GGUFSplitPart {
        guard parts.count > 1, let index = tensorIndex[tensor.name] else { return parts[0] }
        return parts[tensorPart[index]]
    }

    /// The raw bytes of every string of the string array under `key`, without UTF-8 repair
    /// (tokenizer vocabularies may hold byte sequences that are not valid UTF-8 on their own).
    public func rawStrings(_ key: String) throws(GGUFError) -> [[UInt8]] {
        guard let value = metadata[key], let offset = valueOffsets[key] else {
            throw GGUFError(file: path, field: key, kind: .missingKey, message: "required key is missing")
        }
        guard case .array(.string(let strings)) = value else {
            throw GGUFError(file: path, field: key, kind: .typeMismatch, message: "expected ARRAY[STRING], found \(value.typeDescription)")
        }
        var cursor = ByteCursor(bytes: mapping.bytes, file: path, offset: offset + 12)
        var result: [[UInt8]] = []
        result.reserveCapacity(strings.count)
        for i in 0..<strings.count {
            result.append(Array(try cursor.readStringBytes("\(key)[\(i)]")))
        }
        return result
    }

    /// The overrides this view of the file was made with (``overriding(_:)``), in order.
    public var overrides: [MetadataOverride] { appliedOverrides }

    /// Each override with what the file itself says, for reports:
    /// `qwen3moe.expert_used_count=int:16 (the file says 8)`.
    public var overrideNotes: [String] {
        zip(appliedOverrides, overriddenValues).map { override, original in
            "\(override) (the file says \(original.map(\.displayText) ?? "nothing: the key is absent"))"
        }
    }

    /// The same file (mapping and tensors shared) seen with `metadata` in place of its own.
    init(viewing file: GGUFFile, metadata: GGUFMetadata, overrides: [MetadataOverride], originals: [GGUFValue?]) {
        path = file.path
        version = file.version
        self.metadata = metadata
        tensors = file.tensors
        alignment = file.alignment
        dataOffset = file.dataOffset
        mapping = file.mapping
        parts = file.parts
        tensorPart = file.tensorPart
        tensorIndex = file.tensorIndex
        valueOffsets = file.valueOffsets
        appliedOverrides = overrides
        overriddenValues = originals
    }
}

