import GGUF

/// llama-quantize's per-tensor type rules for a file type (`llama_tensor_get_type_impl`): the
/// k-quant mixes' choices for attn_v, attn_k, attn_q, attn_output, ffn_down/gate/up, output and
/// token_embd by layer position, expert count and GQA. The rules count the tensors they
/// have seen (the i-th attn_v, the i-th ffn_down), so tensors must come in llama.cpp's order.
struct MixRules {
    let model: MixModel
    let fileType: QuantizationFileType
    let hasImportance: Bool
    let outputTensorType: GGMLType?
    let tokenEmbeddingType: GGMLType?
    /// Whether token_embd doubles as the output (no `output.weight` in the model).
    let tiedEmbeddings: Bool
    /// attn_v-like tensors in the model (`n_attention_wv`).
    let valueTensorCount: Int

    private(set) var valueIndex = 0
    private(set) var downIndex = 0
    private(set) var gateIndex = 0
    private(set) var upIndex = 0

    init(model: MixModel, fileType: QuantizationFileType, hasImportance: Bool, outputTensorType: GGMLType?,
         tokenEmbeddingType: GGMLType?, tiedEmbeddings: Bool, valueTensorCount: Int) {
        self.model = model
        self.fileType = fileType
        self.hasImportance = hasImportance
        self.outputTensorType = outputTensorType
        self.tokenEmbeddingType = tokenEmbeddingType
        self.tiedEmbeddings = tiedEmbeddings
        self.valueTensorCount = valueTensorCount
    }

    /// The type for tensor `name` (row length `rowLength`, `matrices` experts) whose mix default is `type`.
    mutating func choose(_ type: GGMLType, name: String, rowLength: Int, matrices: Int, category: TensorCategory) throws(MixError) -> GGMLType {
        let arch = model.architecture
        // GLM-5-Next keeps these at Q8_0 or better (a float type goes on through the rules).
        if arch == "glm5-next" && ["attn_q_a", "attn_q_b", "nextn.eh_proj"].contains(where: { name.contains($0) })
            && ![.f32, .bf16, .f16].contains(type) {
            return .q8_0
        }
        if category == .output || (tiedEmbeddings && category == .tokenEmbedding) {
            return outputType(type, rowLength: rowLength)
        }
        if fileType.is("MXFP4_MOE") {
            let expertRole = [.feedForwardUp, .feedForwardGate, .feedForwardDown].contains(category)
            return matrices > 1 && (arch != "bailingmoe3" || expertRole) ? .mxfp4 : .q8_0
        }
        if category == .tokenEmbedding { return tokenEmbedding(type) }
        if fileType.is("IQ2_XXS", "IQ2_XS", "IQ1_S", "IQ2_S", "IQ2_M", "IQ1_M") {
            return try veryLowBit(type, name: name, category: category)
        }
        if category.isValueLike { return value(type) }
        return try ordinary(type, name: name, category: category)
    }

    private func outputType(_ type: GGMLType, rowLength: Int) -> GGMLType {
        if let outputTensorType { return outputTensorType }
        if fileType.is("MXFP4_MOE") || model.architecture == "falcon" || rowLength % type.blockSize != 0 { return .q8_0 }
        if fileType.is("IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ2_S", "IQ2_M", "IQ1_M") { return .q5_K }
        return type == .q8_0 ? type : .q6_K
    }

    private func tokenEmbedding(_ type: GGMLType) -> GGMLType {
        if let tokenEmbeddingType { return tokenEmbeddingType }
        if fileType.is("IQ2_XXS", "IQ2_XS", "IQ1_S", "IQ1_M") { return .q2_K }
        if fileType.is("IQ2_S", "IQ2_M", "IQ3_XXS") { return .iq3_S }
        if fileType.is("TQ1_0", "TQ2_0", "Q2_0") { return .q4_K }
        return type
    }

    /// `use_more_bits`: the first and last eighth of the layers and every third in between.
    static func useMoreBits(_ layer: Int, _ layers: Int) -> Bool {
        layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2
    }

    /// The layer of an ffn tensor: its position among its kind, or for MoE models the `blk.N.` of its name.
    func layerInfo(_ index: Int, name: String) throws(MixError) -> (layer: Int, layers: Int) {
        let layers = model.layerCount
        guard max(1, model.expertCount) > 1 else { return (index, layers) }
        guard let layer = WeightOrder.layer(of: name) else {
            throw MixError(tensor: name, message: "Failed to determine layer for tensor \(name)")
        }
        guard layer >= 0 && layer < layers else {
            throw MixError(tensor: name, message: "Bad layer \(layer) for tensor \(name). Must be in [0, \(layers))")
        }
        return (layer, layers)
    }

    mutating func countValue() { valueIndex += 1 }
    mutating func countDown() { downIndex += 1 }
    mutating func countGate() { gateIndex += 1 }
    mutating func countUp() { upIndex += 1 }
}

/// A tensor the mix rules cannot place (llama-quantize stops with the same message).
public struct MixError: Error, Sendable, CustomStringConvertible {
    public let tensor: String
    public let message: String
    public var description: String { "\(tensor): \(message)" }
}
