import GGUF

/// A weight matrix (or expert stack) the forward pass multiplies by, as it can be replaced.
public struct ModelMatrix: Sendable, Equatable {
    /// The tensor's name in the file (`blk.3.ffn_down.weight`).
    public let name: String
    /// Columns of each matrix (the row length).
    public let inFeatures: Int
    /// Rows of each matrix.
    public let outFeatures: Int
    /// Matrices stacked in the tensor (1 for dense weights).
    public let experts: Int
    /// The type the file stores it in.
    public let storedType: GGMLType
    public init(name: String, inFeatures: Int, outFeatures: Int, experts: Int, storedType: GGMLType) {
        self.name = name
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.experts = experts
        self.storedType = storedType
    }

    /// Values in the whole tensor.
    public var elementCount: Int { inFeatures * outFeatures * experts }

    /// Whether the matrices are experts that tokens are routed to, rather than the per-head slices
    /// of a 3-D attention weight every token multiplies (DeepSeek's `attn_k_b`, `attn_v_b`).
    public var isExpertStack: Bool { experts > 1 && !name.contains(".attn_") }
}

extension TransformerModel {
    /// Every matrix the forward pass multiplies by (block weights in file order, then the
    /// output matrix, then the token embedding when it is not also the output).
    public var matrices: [ModelMatrix] {
        allLinearWeights.map {
            ModelMatrix(name: $0.name, inFeatures: $0.inFeatures, outFeatures: $0.outFeatures, experts: $0.experts,
                        storedType: $0.tensor.type)
        }
    }

    /// Makes the forward pass use `values` for tensor `name` instead of the file's, multiplying
    /// as if the tensor were stored as `type` (inputs are rounded for that type, as ggml's CPU
    /// backend would). Every other weight keeps its float32 copy, so swapping a few tensors
    /// costs only their own values. Applies to the following evaluations until
    /// ``restoreWeights(of:)`` or ``restoreAllWeights()``.
    /// - Throws: ``GGUFError`` when the model has no such matrix or the count is wrong.
    public func replaceWeights(of name: String, with values: UnsafeBufferPointer<Float>, as type: GGMLType) throws(GGUFError) {
        let weight = try linearWeight(named: name)
        let count = weight.matrixElementCount * weight.experts
        guard values.count == count, let source = values.baseAddress else {
            throw GGUFError(file: file.path, field: name, kind: .shapeMismatch,
                            message: "replacement has \(values.count) values, the tensor has \(count)")
        }
        weight.removeReplacement()
        let copy = UnsafeMutablePointer<Float>.allocate(capacity: count)
        copy.initialize(from: source, count: count)
        weight.replacement = copy
        weight.replacementType = type
    }

    /// Goes back to the file's values for tensor `name`.
    public func restoreWeights(of name: String) throws(GGUFError) {
        try linearWeight(named: name).removeReplacement()
    }

    /// Goes back to the file's values for every replaced tensor.
    public func restoreAllWeights() {
        for weight in allLinearWeights { weight.removeReplacement() }
    }

    /// The names of the tensors currently replaced.
    public var replacedTensorNames: [String] { allLinearWeights.filter { $0.replacement != nil }.map(\.name) }

    private var allLinearWeights: [LinearWeight] {
        var weights = blocks.flatMap(\.matrices) + [output]
        if !hasTiedOutput { weights.append(tokenEmbedding) }
        return weights
    }

    private func linearWeight(named name: String) throws(GGUFError) -> LinearWeight {
        guard let weight = allLinearWeights.first(where: { $0.name == name }) else {
            throw GGUFError(file: file.path, field: name, kind: .missingTensor, message: "the model multiplies by no such matrix")
        }
        return weight
    }
}
