import GGUF

/// Checks an imatrix file against the model it is meant for, the way llama-quantize will:
/// every entry must name a tensor of the model, with `columns × experts` values.
public enum ModelCompatibility {
    /// The number of values an imatrix entry for `tensor` has: `ne[0] · ne[2]` (columns times
    /// experts; `ne[2]` is 1 for a 2-D weight).
    public static func expectedValues(for tensor: GGUFTensorInfo) -> Int {
        tensor.shape[0] * (tensor.shape.count >= 3 ? tensor.shape[2] : 1)
    }

    /// - Throws: ``ImatrixError`` naming the imatrix file and the entry when an entry is not a
    ///   tensor of the model or has the wrong number of values.
    public static func check(_ file: ImportanceMatrix, against model: GGUFFile) throws(ImatrixError) {
        for entry in file.entries {
            guard let tensor = model.tensorIfPresent(named: entry.name) else {
                throw ImatrixError(file: file.path, field: entry.name,
                                   message: "not a tensor of \(model.path) (an imatrix of another model?)")
            }
            let expected = expectedValues(for: tensor)
            guard entry.values.count == expected else {
                throw ImatrixError(file: file.path, field: "\(entry.name).nval",
                                   message: "\(entry.values.count) values, but \(model.path) has \(tensor.shape[0]) columns × \(expected / tensor.shape[0]) matrices = \(expected)")
            }
        }
    }
}
