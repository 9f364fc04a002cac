import Kernels

/// One file of a (possibly split) GGUF model: its mapping and where its data section starts.
struct GGUFSplitPart: Sendable {
    let mapping: MappedFile
    let dataOffset: Int
}

/// The files of a model as llama-gguf-split writes them: `NAME-00001-of-0000N.gguf` … with
/// `split.no` (0-based), `split.count` and `split.tensors.count` in every file, all other
/// metadata in the first; each file's tensor offsets count from its own data section.
///
/// Loading checks what llama.cpp checks (the first file is given, every split is present with
/// the right `split.no`) and more: the same `split.count` everywhere, no tensor in two files, and
/// `split.tensors.count` tensors in all.
struct GGUFSplitLayout {
    static let numberKey = "split.no"
    static let countKey = "split.count"
    static let tensorCountKey = "split.tensors.count"

    var parts: [GGUFSplitPart]
    /// All tensors, with indices counting across the files.
    var tensors: [GGUFTensorInfo]
    /// The part of each tensor, by index.
    var tensorPart: [Int]

    static func single(parsed: GGUFParser.Result, mapping: MappedFile) -> GGUFSplitLayout {
        GGUFSplitLayout(parts: [GGUFSplitPart(mapping: mapping, dataOffset: parsed.dataOffset)],
                        tensors: parsed.tensors, tensorPart: [Int](repeating: 0, count: parsed.tensors.count))
    }

    /// The layout of the model whose first (or only) file is `mapping`.
    static func load(first parsed: GGUFParser.Result, mapping: MappedFile) throws(GGUFError) -> GGUFSplitLayout {
        var layout = single(parsed: parsed, mapping: mapping)
        let path = mapping.path
        let metadata = parsed.metadata
        let count = try metadata.intIfPresent(countKey) ?? 1
        guard count > 1 else { return layout }
        func invalid(_ file: String, _ field: String, _ message: String) -> GGUFError {
            GGUFError(file: file, field: field, kind: .invalidValue, message: message)
        }
        guard count <= Int(UInt16.max) else { throw invalid(path, countKey, "\(count) splits (llama.cpp stores the count as UINT16)") }
        let number = try metadata.intIfPresent(numberKey) ?? 0
        guard let prefix = prefix(of: path, number: number, count: count) else {
            throw invalid(path, countKey, "\(count) splits, but the name does not end in \(suffix(number: number, count: count)) as llama-gguf-split names them, so the other files cannot be found")
        }
        guard number == 0 else {
            throw invalid(path, numberKey, "this is split \(number + 1) of \(count): give the first file, \(prefix + suffix(number: 0, count: count))")
        }
        var seen = Set(parsed.tensors.map(\.name))
        for index in 1..<count {
            let splitPath = prefix + suffix(number: index, count: count)
            let splitMapping: MappedFile
            do { splitMapping = try MappedFile(path: splitPath) } catch {
                throw GGUFError(file: splitPath, field: "file", kind: .io,
                                message: "split \(index + 1) of \(count) of \(path): \(error.message)", cause: error)
            }
            let split = try GGUFParser.parse(splitMapping.bytes, file: splitPath)
            guard let splitNumber = try split.metadata.intIfPresent(numberKey) else {
                throw GGUFError(file: splitPath, field: numberKey, kind: .missingKey, message: "required key is missing in a split")
            }
            guard splitNumber == index else {
                throw invalid(splitPath, numberKey, "\(splitNumber), expected \(index): this file is not split \(index + 1) of \(path)")
            }
            let splitCount = try split.metadata.intIfPresent(countKey)
            guard splitCount == count else {
                throw invalid(splitPath, countKey, "\(splitCount.map(String.init) ?? "missing"), but \(path) says \(count)")
            }
            layout.parts.append(GGUFSplitPart(mapping: splitMapping, dataOffset: split.dataOffset))
            for tensor in split.tensors {
                guard seen.insert(tensor.name).inserted else {
                    throw GGUFError(file: splitPath, field: "tensor_infos[\(tensor.index)].name", kind: .duplicateTensor,
                                    message: "tensor '\(tensor.name)' is also in another split")
                }
                layout.tensors.append(GGUFTensorInfo(name: tensor.name, type: tensor.type, shape: tensor.shape,
                                                     offset: tensor.offset, index: layout.tensors.count))
                layout.tensorPart.append(index)
            }
        }
        if let expected = try metadata.intIfPresent(tensorCountKey), expected != layout.tensors.count {
            throw invalid(path, tensorCountKey, "\(expected) tensors, but the \(count) splits hold \(layout.tensors.count)")
        }
        return layout
    }

    /// `-00001-of-00003.gguf` for split 0 of 3 (llama.cpp's `llama_split_path`).
    static func suffix(number: Int, count: Int) -> String {
        "-\(padded(number + 1))-of-\(padded(count)).gguf"
    }

    /// The path without its split suffix, or nil when the name does not end in it.
    static func prefix(of path: String, number: Int, count: Int) -> String? {
        let ending = suffix(number: number, count: count)
        guard path.hasSuffix(ending), path.count > ending.count else { return nil }
        return String(path.dropLast(ending.count))
    }

    private static func padded(_ value: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }
}
