/// Loading one or more imatrix files into a collection without a model: `imx combine` and
/// `imx convert` (llama-imatrix with `--in-file` and no `-f`).
public enum ImatrixMerge {
    /// The chunk size to use when none is given: the first GGUF input's `imatrix.chunk_size`,
    /// else llama.cpp's default 512.
    public static func defaultChunkSize(_ files: [ImportanceMatrix]) -> Int {
        files.lazy.compactMap(\.chunkSize).first { $0 > 0 } ?? 512
    }

    /// Adds `files` in order (llama-imatrix's `--in-file` arithmetic, legacy files scaled by
    /// `chunkSize`), after checking that they describe the same model.
    /// - Throws: ``ImatrixError`` for files of different models.
    public static func combine(_ files: [ImportanceMatrix], chunkSize: Int) throws(ImatrixError) -> ImatrixCollection {
        try ImatrixCollection.checkCompatible(files)
        var collection = ImatrixCollection()
        for file in files { try collection.add(file, chunkSize: chunkSize) }
        return collection
    }
}
