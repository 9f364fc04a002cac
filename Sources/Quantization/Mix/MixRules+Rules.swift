import GGUF

extension MixRules {
    /// The IQ1/IQ2 mixes: attn_v and the first eighth of ffn_down get more bits.
    mutating func veryLowBit(_ type: GGMLType, name: String, category: TensorCategory) throws(MixError) -> GGMLType {
        let twoS = fileType.is("IQ2_S", "IQ2_M")
        var type = type
        if category.isValueLike {
            type = model.queryGroupSize >= 4 || model.expertCount >= 4 ? .q4_K : (twoS ? .iq3_S : .q2_K)
            countValue()
        } else if model.expertCount == 8 && category == .attentionK {
            type = .q4_K
        } else if category == .feedForwardDown {
            if downIndex < model.layerCount / 8 { type = twoS ? .iq3_S : .q2_K }
            countDown()
        } else if category == .attentionOutput {
            if model.expertCount == 8 {
                type = .q5_K
            } else if fileType.is("IQ1_S", "IQ1_M") {
                type = .iq2_XXS
            } else if twoS {
                type = .iq3_S
            }
        }
        return type
    }

    /// attn_v, attn_qkv and attn_kv_b in every other mix.
    mutating func value(_ type: GGMLType) -> GGMLType {
        let gqa = model.queryGroupSize
        var type = type
        if fileType.is("Q2_K") {
            type = gqa >= 4 ? .q4_K : .q3_K
        } else if fileType.is("Q2_K_S") && gqa >= 4 {
            type = .q4_K
        } else if fileType.is("IQ3_XXS") {
            type = gqa >= 4 ? .q4_K : (!hasImportance ? .iq3_S : .iq3_XXS)
        } else if fileType.is("IQ3_XS", "IQ3_S") && gqa >= 4 {
            type = .q4_K
        } else if fileType.is("IQ3_M") {
            type = .q4_K
        } else if fileType.is("Q3_K_M") {
            type = valueIndex < 2 ? .q5_K : .q4_K
        } else if fileType.is("Q3_K_L") {
            type = .q5_K
        } else if fileType.is("IQ4_NL", "IQ4_XS") && gqa >= 4 {
            type = .q5_K
        } else if fileType.is("Q4_K_M", "Q5_K_M") && Self.useMoreBits(valueIndex, valueTensorCount) {
            type = .q6_K
        } else if fileType.is("Q4_K_S") && valueIndex < 4 {
            type = .q5_K
        }
        if model.is70B && (type == .q3_K || type == .q4_K) { type = .q5_K }
        if model.expertCount == 8 { type = .q8_0 }
        countValue()
        return type
    }

    /// attn_k, attn_q, ffn_down, attn_output, attn_qkv, ffn_gate and ffn_up.
    mutating func ordinary(_ type: GGMLType, name: String, category: TensorCategory) throws(MixError) -> GGMLType {
        switch category {
        case .attentionK:
            if model.expertCount == 8 { return .q8_0 }
            if fileType.is("IQ3_XS") { return .iq3_XXS }
            if fileType.is("IQ3_XXS") { return .iq2_S }
            return type
        case .attentionQ:
            if fileType.is("IQ3_XS") { return .iq3_XXS }
            if fileType.is("IQ3_XXS") { return .iq2_S }
            return type
        case .feedForwardDown:
            let (layer, layers) = try layerInfo(downIndex, name: name)
            countDown()
            return down(type, layer: layer, layers: layers)
        case .attentionOutput:
            return attentionOutput(type)
        case .attentionQKV:
            if fileType.is("Q3_K_M", "Q3_K_L", "IQ3_M") { return .q4_K }
            if fileType.is("Q4_K_M") { return .q5_K }
            if fileType.is("Q5_K_M") { return .q6_K }
            return type
        case .feedForwardGate, .feedForwardUp:
            let index = category == .feedForwardGate ? gateIndex : upIndex
            let (layer, layers) = try layerInfo(index, name: name)
            if category == .feedForwardGate { countGate() } else { countUp() }
            return fileType.is("IQ3_XS") && layer >= layers / 8 && layer < 7 * layers / 8 ? .iq3_XXS : type
        case .tokenEmbedding, .attentionV, .attentionKVB, .output, .other:
            return type
        }
    }

    private func down(_ type: GGMLType, layer: Int, layers: Int) -> GGMLType {
        let falcon = model.architecture == "falcon"
        let moreBits = Self.useMoreBits(layer, layers)
        if fileType.is("Q2_K") { return .q3_K }
        if fileType.is("Q2_K_S") { return layer < layers / 8 ? .q4_K : type }
        if fileType.is("IQ3_XXS") && !hasImportance { return layer < layers / 8 ? .q4_K : .q3_K }
        if fileType.is("Q3_K_M") {
            return layer < layers / 16 ? .q5_K : (!falcon || moreBits ? .q4_K : .q3_K)
        }
        if fileType.is("IQ3_M") && (layer < layers / 8 || (model.expertCount == 8 && moreBits)) { return .q4_K }
        if fileType.is("Q3_K_L") { return falcon ? .q4_K : .q5_K }
        if fileType.is("Q4_K_M") {
            if falcon { return layer < layers / 16 ? .q6_K : (moreBits ? .q5_K : .q4_K) }
            return moreBits ? .q6_K : type
        }
        if layer < layers / 8 && fileType.is("IQ4_NL", "IQ4_XS") && !hasImportance { return .q5_K }
        if fileType.is("Q5_K_M") && moreBits { return .q6_K }
        if fileType.is("Q4_K_S") && !falcon && layer < layers / 8 { return .q5_K }
        if fileType.is("Q4_0", "Q5_0") && hasImportance && layer < layers / 8 {
            return fileType.is("Q4_0") ? .q4_1 : .q5_1
        }
        return type
    }

    private func attentionOutput(_ type: GGMLType) -> GGMLType {
        if model.architecture == "falcon" { return fileType.is("Q3_K_L") ? .q4_K : type }
        if model.expertCount == 8 {
            let bumped = fileType.is("Q2_K", "IQ3_XS", "IQ3_XXS", "Q3_K_S", "Q3_K_M", "IQ4_NL", "Q4_K_S", "Q4_K_M", "IQ3_S", "IQ3_M", "IQ4_XS")
            return bumped ? .q5_K : type
        }
        if fileType.is("Q2_K") { return .q3_K }
        if fileType.is("IQ3_XXS") { return .iq3_S }
        if fileType.is("Q3_K_M") { return .q4_K }
        if fileType.is("Q3_K_L") { return .q5_K }
        if fileType.is("IQ3_M") { return .q4_K }
        return type
    }
}
