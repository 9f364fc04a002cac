import GGUF

/// Splits a GGUF file the way `llama-gguf-split --split --split-max-tensors N` does, for the
/// split-model tests: `PREFIX-00001-of-0000K.gguf` …, all metadata in the first file, then in
/// every file `split.no` (UINT16), `split.tensors.count` (INT32) and `split.count` (UINT16), in
/// that order; N tensors per file in the source's order. The tests check the bytes against the
/// sha256 of llama-gguf-split's own output.
public enum GGUFSplitter {
    /// Writes the splits and returns their paths.
    public static func split(_ source: GGUFFile, maxTensors: Int, prefix: String) throws -> [String] {
        let groups = stride(from: 0, to: source.tensors.count, by: maxTensors).map {
            Array(source.tensors[$0..<min(source.tensors.count, $0 + maxTensors)])
        }
        var paths: [String] = []
        for (number, tensors) in groups.enumerated() {
            var writer = GGUFWriter()
            if number == 0 {
                for key in source.metadata.keys where key != "general.alignment" { writer.metadata.set(key, source.metadata[key]!) }
            }
            writer.metadata.set("split.no", .uint16(UInt16(number)))
            writer.metadata.set("split.tensors.count", .int32(Int32(source.tensors.count)))
            writer.metadata.set("split.count", .uint16(UInt16(groups.count)))
            for tensor in tensors {
                try writer.addTensor(name: tensor.name, type: tensor.type, shape: tensor.shape, data: Array(source.data(of: tensor)))
            }
            let path = prefix + splitSuffix(number: number, count: groups.count)
            try writer.write(to: path)
            paths.append(path)
        }
        return paths
    }

    /// `-00001-of-00003.gguf` for split 0 of 3.
    public static func splitSuffix(number: Int, count: Int) -> String {
        func padded(_ value: Int) -> String { String(repeating: "0", count: max(0, 5 - String(value).count)) + String(value) }
        return "-\(padded(number + 1))-of-\(padded(count)).gguf"
    }
}
