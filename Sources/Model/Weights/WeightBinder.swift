import GGUF

/// Looks tensors up by name and checks their shapes, so that a model either binds completely
/// or fails with one line naming the tensor: `FILE: blk.3.attn_q.weight: …`.
struct WeightBinder {
    let file: GGUFFile

    /// A required matrix `ne = [inFeatures, outFeatures]`.
    func matrix(_ name: String, inFeatures: Int, outFeatures: Int) throws(GGUFError) -> LinearWeight {
        let tensor = try required(name)
        try check(tensor, expected: [inFeatures, outFeatures])
        return try linear(tensor, inFeatures: inFeatures, outFeatures: outFeatures, experts: 1)
    }

    /// A required expert stack `ne = [inFeatures, outFeatures, experts]`.
    func experts(_ name: String, inFeatures: Int, outFeatures: Int, count: Int) throws(GGUFError) -> LinearWeight {
        let tensor = try required(name)
        try check(tensor, expected: [inFeatures, outFeatures, count])
        return try linear(tensor, inFeatures: inFeatures, outFeatures: outFeatures, experts: count)
    }

    /// A required vector of `length` elements (norm weights, biases) as float32.
    func vector(_ name: String, length: Int) throws(GGUFError) -> [Float] {
        let tensor = try required(name)
        try check(tensor, expected: [length])
        return try file.dequantize(tensor, threads: 1)
    }

    /// A required 2-D table `ne = [width, rows]` of small values (per-expert biases) as float32.
    func table(_ name: String, width: Int, rows: Int) throws(GGUFError) -> [Float] {
        let tensor = try required(name)
        try check(tensor, expected: [width, rows])
        return try file.dequantize(tensor, threads: 1)
    }

    /// An optional vector: nil when absent, checked when present.
    func optionalVector(_ name: String, length: Int) throws(GGUFError) -> [Float]? {
        file.tensorIfPresent(named: name) == nil ? nil : try vector(name, length: length)
    }

    /// A vector bound as `presence` says: never, always (missing → error), or when present.
    func vector(_ name: String, length: Int, presence: TensorPresence) throws(GGUFError) -> [Float]? {
        switch presence {
        case .absent: nil
        case .required: try vector(name, length: length)
        case .optional: try optionalVector(name, length: length)
        }
    }

    /// Whether the file holds `name`.
    func contains(_ name: String) -> Bool { file.tensorIfPresent(named: name) != nil }

    private func required(_ name: String) throws(GGUFError) -> GGUFTensorInfo {
        guard let tensor = file.tensorIfPresent(named: name) else {
            throw GGUFError(file: file.path, field: name, kind: .missingTensor,
                            message: "required tensor is missing for architecture '\((try? file.metadata.architecture()) ?? "?")'")
        }
        return tensor
    }

    private func check(_ tensor: GGUFTensorInfo, expected: [Int]) throws(GGUFError) {
        // Trailing 1s are insignificant in ggml shapes.
        var shape = tensor.shape
        while shape.count > expected.count, shape.last == 1 { shape.removeLast() }
        guard shape == expected else {
            throw GGUFError(file: file.path, field: tensor.name, kind: .shapeMismatch,
                            message: "shape \(tensor.shape), expected \(expected)")
        }
        guard Dequantizer.supports(tensor.type) else {
            throw GGUFError(file: file.path, field: tensor.name, kind: .unsupportedTensorType,
                            message: "tensor type \(tensor.type.name) cannot be dequantized")
        }
    }

    private func linear(_ tensor: GGUFTensorInfo, inFeatures: Int, outFeatures: Int, experts: Int) throws(GGUFError) -> LinearWeight {
        let weight = LinearWeight(tensor: tensor, inFeatures: inFeatures, outFeatures: outFeatures, experts: experts)
        if tensor.type == .f32 {
            let bytes = file.data(of: tensor)
            if let base = bytes.baseAddress, Int(bitPattern: base) % MemoryLayout<Float>.alignment == 0 {
                weight.direct = base.assumingMemoryBound(to: Float.self)
            }
        }
        return weight
    }
}
