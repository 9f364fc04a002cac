import GGUF
import Kernels

/// The weight shapes of a model GGUF (ggml order: `[columns, rows, experts]` for expert
/// tensors), read from the tensor table only — no weights are loaded.
public struct ModelTensorShapes: Sendable, Equatable {
    /// The model file.
    public let path: String
    /// Shape by tensor name.
    public let shapes: [String: [Int]]

    public init(path: String, shapes: [String: [Int]]) {
        self.path = path
        self.shapes = shapes
    }

    /// Reads the tensor table of the model at `path`.
    /// - Throws: ``ImatrixError`` for an unreadable GGUF, or one that is itself an imatrix.
    public init(path: String) throws(ImatrixError) {
        let file: GGUFFile
        do { file = try GGUFFile(path: path) } catch { throw ImatrixError(file: path, field: error.field, message: error.message, cause: error) }
        if let type = try? file.metadata.stringIfPresent("general.type"), type == "imatrix" {
            throw ImatrixError(file: path, field: "general.type", message: "this is an imatrix, not a model (-m takes the model GGUF)")
        }
        var shapes: [String: [Int]] = [:]
        for tensor in file.tensors { shapes[tensor.name] = tensor.shape }
        self.init(path: path, shapes: shapes)
    }

    /// Input columns (`shape[0]`) and matrices (experts: the product of dimensions beyond the
    /// second, 1 for a 2-D weight) of tensor `name`, as llama-imatrix sizes its entry.
    public func layout(of name: String) -> (columns: Int, matrices: Int)? {
        guard let shape = shapes[name], let columns = shape.first else { return nil }
        return (columns, shape.count > 2 ? shape[2...].reduce(1, *) : 1)
    }

    /// The weights llama-quantize looks up importance for and llama-imatrix collects: `blk.*`
    /// tensors named `….weight` with two or more dimensions (norms and biases are 1-D), in
    /// byte-wise name order.
    public var matrixTensorNames: [String] {
        shapes.filter { $0.key.hasPrefix("blk.") && $0.key.hasSuffix(".weight") && $0.value.count >= 2 }
            .keys.sorted(by: ImatrixCollection.byteOrder)
    }

    /// Expert tensors (three or more dimensions, more than one matrix), in byte-wise name order.
    public var expertTensorNames: [String] {
        shapes.keys.filter(isExpertStack).sorted(by: ImatrixCollection.byteOrder)
    }

    /// Whether tensor `name` is a stack of expert matrices: more than one matrix, and not an
    /// attention weight — DeepSeek's per-head `attn_k_b` / `attn_v_b` are 3-D too, but every token
    /// multiplies every head, and llama-imatrix keeps one count for them.
    public func isExpertStack(_ name: String) -> Bool {
        (layout(of: name)?.matrices ?? 1) > 1 && !TensorLabel(name: name).tensor.hasPrefix("attn_")
    }
}
