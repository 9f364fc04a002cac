import Foundation
import GGUF
import Quantization

/// Writes a ``TinyModelSpec`` as a GGUF file with random weights from a seeded generator.
///
/// Weight scales follow the fixture models (`shared/fixtures/dense/README.md`): embeddings
/// N(0, 1/n_embd), matrices N(0, 1/fan_in), `attn_output` and `ffn_down` further scaled by
/// 1/√n_embd, biases N(0, 0.5²), every norm weight exp(0.3·N(0,1)) (random around 1, so a
/// skipped norm shows), router rows N(0, 9/n_embd) so the routing has clear margins.
/// Tensors listed in `spec.tensorTypes` are stored in that type (quantized with this project's
/// ggml-exact quantizers, or rounded to F16); the rest are F32.
public enum TinyModelWriter {
    /// Writes `spec` to `path`.
    public static func write(_ spec: TinyModelSpec, to path: String) throws {
        var writer = GGUFWriter()
        writeMetadata(spec, into: &writer.metadata)
        var random = SeededGenerator(seed: spec.seed)
        let e = spec.embeddingLength, d = spec.headLength
        let embeddingDeviation = 1 / Double(e).squareRoot()

        func matrix(_ name: String, _ shape: [Int], deviation: Double) throws {
            try add(name, shape, random.normals(shape.reduce(1, *), standardDeviation: deviation), spec: spec, to: &writer)
        }
        func norm(_ name: String, _ length: Int) throws {
            let values = (0..<length).map { _ in Float(exp(0.3 * random.normal())) }
            try add(name, [length], values, spec: spec, to: &writer)
        }

        try matrix("token_embd.weight", [e, spec.vocabularySize], deviation: embeddingDeviation)
        try norm("output_norm.weight", e)
        if !spec.tiedOutput { try matrix("output.weight", [e, spec.vocabularySize], deviation: embeddingDeviation) }
        if spec.ropeFrequencyFactors {
            let factors = (0..<(d / 2)).map { _ in Float(1 + 3 * random.uniform()) }
            try add("rope_freqs.weight", [d / 2], factors, spec: spec, to: &writer)
        }
        let qWidth = spec.headCount * d, kvWidth = spec.headCountKV * d
        let inScale = 1 / Double(e).squareRoot()
        for layer in 0..<(spec.blockCount + spec.nextPredictionLayers) {
            let p = "blk.\(layer)."
            try norm(p + "attn_norm.weight", e)
            let outputWidth = spec.headCount * spec.valueLength
            if let latent = spec.latentAttention {
                // DeepSeek's latent attention, in the attn_kv_b layout.
                let rope = spec.ropeDimensionCount ?? d, rank = latent.keyValueRank
                if latent.queryRank > 0 {
                    try matrix(p + "attn_q_a.weight", [e, latent.queryRank], deviation: inScale)
                    try norm(p + "attn_q_a_norm.weight", latent.queryRank)
                    try matrix(p + "attn_q_b.weight", [latent.queryRank, qWidth], deviation: 1 / Double(latent.queryRank).squareRoot())
                } else {
                    try matrix(p + "attn_q.weight", [e, qWidth], deviation: inScale)
                }
                try matrix(p + "attn_kv_a_mqa.weight", [e, rank + rope], deviation: inScale)
                try norm(p + "attn_kv_a_norm.weight", rank)
                if spec.absorbedLatent {
                    try matrix(p + "attn_k_b.weight", [latent.noPositionLength, rank, spec.headCount],
                               deviation: 1 / Double(latent.noPositionLength).squareRoot())
                    try matrix(p + "attn_v_b.weight", [rank, spec.valueLength, spec.headCount], deviation: 1 / Double(rank).squareRoot())
                } else {
                    try matrix(p + "attn_kv_b.weight", [rank, spec.headCount * (latent.noPositionLength + spec.valueLength)],
                               deviation: 1 / Double(rank).squareRoot())
                }
            } else {
                try matrix(p + "attn_q.weight", [e, qWidth], deviation: inScale)
                if spec.attentionBiases { try matrix(p + "attn_q.bias", [qWidth], deviation: 0.5) }
                try matrix(p + "attn_k.weight", [e, kvWidth], deviation: inScale)
                if spec.attentionBiases { try matrix(p + "attn_k.bias", [kvWidth], deviation: 0.5) }
                try matrix(p + "attn_v.weight", [e, kvWidth], deviation: inScale)
                if spec.attentionBiases { try matrix(p + "attn_v.bias", [kvWidth], deviation: 0.5) }
            }
            try matrix(p + "attn_output.weight", [outputWidth, e], deviation: 1 / Double(outputWidth).squareRoot() * embeddingDeviation)
            if spec.attentionOutputBias { try matrix(p + "attn_output.bias", [e], deviation: 0.2 * embeddingDeviation) }
            if spec.attentionSinks { try matrix(p + "attn_sinks.weight", [spec.headCount], deviation: 1) }
            if spec.queryKeyNorms {
                try norm(p + "attn_q_norm.weight", d)
                try norm(p + "attn_k_norm.weight", d)
            }
            if spec.isGemma { try norm(p + "post_attention_norm.weight", e) }
            try norm(p + spec.feedForwardNormName + ".weight", e)
            if spec.hasExperts(layer: layer) {
                let f = spec.expertWidth, n = spec.expertCount
                try matrix(p + "ffn_gate_inp.weight", [e, n], deviation: 3 * inScale)
                if spec.expertBiases {
                    try matrix(p + "ffn_gate_inp.bias", [n], deviation: 0.5)
                    try matrix(p + "ffn_gate_exps.bias", [f, n], deviation: 0.3)
                    try matrix(p + "ffn_up_exps.bias", [f, n], deviation: 0.3)
                    try matrix(p + "ffn_down_exps.bias", [e, n], deviation: 0.2 * embeddingDeviation)
                }
                if let bias = spec.selectionBias { try add(p + "exp_probs_b.bias", [n], bias, spec: spec, to: &writer) }
                try matrix(p + "ffn_gate_exps.weight", [e, f, n], deviation: inScale)
                try matrix(p + "ffn_up_exps.weight", [e, f, n], deviation: inScale)
                try matrix(p + "ffn_down_exps.weight", [f, e, n], deviation: 1 / Double(f).squareRoot() * embeddingDeviation)
                if spec.sharedExperts > 0 {
                    let s = f * spec.sharedExperts
                    try matrix(p + "ffn_gate_shexp.weight", [e, s], deviation: inScale)
                    try matrix(p + "ffn_up_shexp.weight", [e, s], deviation: inScale)
                    try matrix(p + "ffn_down_shexp.weight", [s, e], deviation: 1 / Double(s).squareRoot() * embeddingDeviation)
                }
            } else {
                let f = spec.feedForwardLength
                try matrix(p + "ffn_gate.weight", [e, f], deviation: inScale)
                try matrix(p + "ffn_up.weight", [e, f], deviation: inScale)
                try matrix(p + "ffn_down.weight", [f, e], deviation: 1 / Double(f).squareRoot() * embeddingDeviation)
            }
            if spec.isGemma { try norm(p + "post_ffw_norm.weight", e) }
            if layer >= spec.blockCount {
                // The multi-token-prediction head's own tensors, as GLM-4.5 files carry them.
                try matrix(p + "nextn.eh_proj.weight", [2 * e, e], deviation: 1 / Double(2 * e).squareRoot())
                try norm(p + "nextn.enorm.weight", e)
                try norm(p + "nextn.hnorm.weight", e)
                try norm(p + "nextn.shared_head_norm.weight", e)
            }
        }
        try writer.write(to: path)
    }

    /// Adds one tensor in the type `spec.tensorTypes` gives it (F32 by default).
    private static func add(_ name: String, _ shape: [Int], _ values: [Float], spec: TinyModelSpec, to writer: inout GGUFWriter) throws {
        let type = spec.tensorTypes[name] ?? .f32
        switch type {
        case .f32: try writer.addTensor(name: name, shape: shape, float32: values)
        case .f16: try writer.addTensor(name: name, shape: shape, float16: values)
        case .mxfp4: try writer.addTensor(name: name, type: .mxfp4, shape: shape, data: MXFP4Encoder.encode(values))
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .q8_K, .iq2_XXS, .iq2_XS,
             .iq3_XXS, .iq1_S, .iq4_NL, .iq3_S, .iq2_S, .iq4_XS, .i8, .i16, .i32, .i64, .f64, .iq1_M, .bf16, .tq1_0,
             .tq2_0, .nvfp4, .q1_0:
            let rowLength = shape[0], rows = values.count / rowLength
            var bytes = [UInt8](repeating: 0, count: RowQuantizer.byteCount(type, rowCount: rows, rowLength: rowLength))
            try values.withUnsafeBufferPointer { source in
                try bytes.withUnsafeMutableBytes { destination in
                    try RowQuantizer.quantize(type, rows: source.baseAddress!, rowCount: rows, rowLength: rowLength,
                                              importance: nil, into: destination.baseAddress!, threads: 1)
                }
            }
            try writer.addTensor(name: name, type: type, shape: shape, data: bytes)
        }
    }

    /// The architecture keys (named as in real GGUF files) and a minimal SPM vocabulary.
    private static func writeMetadata(_ spec: TinyModelSpec, into metadata: inout GGUFMetadata) {
        let a = spec.architecture
        func u32(_ key: String, _ value: Int) { metadata.set("\(a).\(key)", .uint32(UInt32(value))) }
        func f32(_ key: String, _ value: Float) { metadata.set("\(a).\(key)", .float32(value)) }
        metadata.set("general.architecture", .string(a))
        metadata.set("general.name", .string("tiny-\(spec.name)"))
        u32("block_count", spec.blockCount + spec.nextPredictionLayers)
        if spec.nextPredictionLayers > 0 { u32("nextn_predict_layers", spec.nextPredictionLayers) }
        u32("context_length", 4096)
        u32("embedding_length", spec.embeddingLength)
        u32("feed_forward_length", spec.feedForwardLength)
        u32("attention.head_count", spec.headCount)
        u32("attention.head_count_kv", spec.absorbedLatent ? 1 : spec.headCountKV)
        f32("rope.freq_base", spec.ropeFrequencyBase)
        f32("attention.layer_norm_rms_epsilon", spec.rmsEpsilon)
        if let length = spec.explicitHeadLength {
            if let latent = spec.latentAttention, spec.absorbedLatent {
                // The absorbed layout's key/value lengths are the latent attention's; the heads' are *_mla.
                u32("attention.key_length", latent.keyValueRank + (spec.ropeDimensionCount ?? length))
                u32("attention.value_length", latent.keyValueRank)
                u32("attention.key_length_mla", length)
                u32("attention.value_length_mla", spec.valueLength)
            } else {
                u32("attention.key_length", length)
                u32("attention.value_length", spec.valueLength)
            }
        }
        if let latent = spec.latentAttention {
            u32("attention.q_lora_rank", latent.queryRank)
            u32("attention.kv_lora_rank", latent.keyValueRank)
        }
        if let groups = spec.expertGroups {
            u32("expert_group_count", groups.count)
            u32("expert_group_used_count", groups.used)
        }
        if let multiplier = spec.yarnLogMultiplier { f32("rope.scaling.yarn_log_multiplier", multiplier) }
        if spec.writesRopeDimensionCount { u32("rope.dimension_count", spec.ropeDimensionCount ?? spec.headLength) }
        if spec.leadingDenseBlocks > 0 { u32("leading_dense_block_count", spec.leadingDenseBlocks) }
        if ["glm4moe", "deepseek2"].contains(spec.architecture) { u32("expert_shared_count", spec.sharedExperts) }
        if let function = spec.expertGatingFunction { u32("expert_gating_func", function) }
        if let norm = spec.expertWeightsNorm { metadata.set("\(a).expert_weights_norm", .bool(norm)) }
        if let scale = spec.expertWeightsScale { f32("expert_weights_scale", scale) }
        if spec.expertCount > 0 {
            u32("expert_count", spec.expertCount)
            u32("expert_used_count", spec.expertUsedCount)
        }
        if let width = spec.expertFeedForwardLength { u32("expert_feed_forward_length", width) }
        if let factor = spec.linearRopeScaling {
            metadata.set("\(a).rope.scaling.type", .string("linear"))
            f32("rope.scaling.factor", factor)
        }
        if let window = spec.slidingWindow { u32("attention.sliding_window", window) }
        if let yarn = spec.yarnRopeScaling {
            metadata.set("\(a).rope.scaling.type", .string("yarn"))
            f32("rope.scaling.factor", yarn.factor)
            u32("rope.scaling.original_context_length", yarn.originalContext)
        }
        if a == "llama" { u32("vocab_size", spec.vocabularySize) }
        let quantized = spec.tensorTypes.values.contains { $0 != .f32 }
        metadata.set("general.file_type", .uint32(quantized ? 7 : 0))   // mostly Q8_0 / all F32
        writeVocabulary(size: spec.vocabularySize, into: &metadata)
    }

    /// An SPM vocabulary: `<unk>`, `<s>`, `</s>`, the 256 byte tokens, then made-up pieces.
    private static func writeVocabulary(size: Int, into metadata: inout GGUFMetadata) {
        var tokens = ["<unk>", "<s>", "</s>"], types: [Int32] = [2, 3, 3]
        for byte in 0..<256 {
            tokens.append(String(format: "<0x%02X>", byte))
            types.append(6)
        }
        let letters = Array("etaoinshrdlucmfwypvbgkjqxz")
        var index = 0
        while tokens.count < size {
            let first = letters[index % letters.count], second = letters[(index / letters.count) % letters.count]
            tokens.append(index < letters.count ? "\u{2581}\(first)" : "\(second)\(first)")
            types.append(1)
            index += 1
        }
        tokens = Array(tokens.prefix(size))
        types = Array(types.prefix(size))
        let scores = tokens.indices.map { types[$0] == 1 ? -Float($0) : 0 }
        metadata.set("tokenizer.ggml.model", .string("llama"))
        metadata.set("tokenizer.ggml.pre", .string("default"))
        metadata.set("tokenizer.ggml.tokens", .array(.string(tokens)))
        metadata.set("tokenizer.ggml.scores", .array(.float32(scores)))
        metadata.set("tokenizer.ggml.token_type", .array(.int32(types)))
        metadata.set("tokenizer.ggml.bos_token_id", .uint32(1))
        metadata.set("tokenizer.ggml.eos_token_id", .uint32(2))
        metadata.set("tokenizer.ggml.unknown_token_id", .uint32(0))
        metadata.set("tokenizer.ggml.add_bos_token", .bool(true))
        metadata.set("tokenizer.ggml.add_eos_token", .bool(false))
    }
}
