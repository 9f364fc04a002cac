import Foundation
import GGUF
import Kernels
import Quantization

/// Writes a synthetic model: a ``SyntheticModelShape``'s tensors filled with seeded random
/// values (uniform, standard deviation 0.02 for matrices; norms 1), quantized by this project's
/// ggml-exact quantizers into a Q4_K_M-like mix, with the metadata llama.cpp and imx read and a
/// real tokenizer copied from a vocabulary GGUF. Tensors are produced one at a time and streamed
/// to disk, so a model larger than memory can be written.
///
/// The mix follows llama-quantize's Q4_K_M: Q4_K everywhere, Q6_K for `output`, and for
/// `attn_v` and `ffn_down` in the first and last eighth of the blocks and every third block
/// between (`use_more_bits`); norms, biases and the router stay F32.
public enum SyntheticModelWriter {
    /// What was written.
    public struct Summary: Sendable {
        public var parameters: Int
        public var bytes: Int
        public var tensors: Int
        public var seconds: Double
    }

    /// One tensor of the plan.
    struct Planned {
        var descriptor: GGUFTensorDescriptor
        /// Standard deviation of the values (0: all `fill`).
        var deviation: Float
        var fill: Float
        var elements: Int { descriptor.shape.reduce(1, *) }
    }

    /// Writes `shape` (with `blocks` overriding its block count) to `path`.
    public static func write(shape: SyntheticModelShape, vocabulary: GGUFFile, to path: String, seed: UInt64 = 1,
                             threads: Int, log: (String) -> Void) throws(GGUFError) -> Summary {
        let started = Date()
        let tokens = try vocabulary.metadata.strings("tokenizer.ggml.tokens")
        let plan = try tensors(shape, vocabularySize: tokens.count)
        var metadata = metadata(shape, name: "synthetic \(shape.name) (random weights)")
        for key in vocabulary.metadata.keys where key.hasPrefix("tokenizer.") {
            metadata.set(key, vocabulary.metadata[key]!)
        }
        let parameters = plan.reduce(0) { $0 + $1.elements }
        log(String(format: "synthesize: %@, %d blocks, %.2fB parameters, vocabulary of %d tokens from %@ → %@",
                   shape.name, shape.blocks, Double(parameters) / 1e9, tokens.count, vocabulary.path, path))
        var done = 0
        try GGUFStreamingWriter.write(metadata: metadata, tensors: plan.map(\.descriptor), to: path) { (index, buffer) throws(GGUFError) in
            try produce(plan[index], seed: seed, into: buffer, threads: threads)
            done += plan[index].elements
            if index == plan.count - 1 || plan[index].elements >= 50_000_000 {
                log(String(format: "synthesize: %.0f%% (%@, %@)", 100 * Double(done) / Double(parameters),
                           plan[index].descriptor.name, plan[index].descriptor.type.name))
            }
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return Summary(parameters: parameters, bytes: bytes, tensors: plan.count, seconds: Date().timeIntervalSince(started))
    }

    /// llama-quantize's `use_more_bits(i, n)`.
    static func usesMoreBits(_ layer: Int, of count: Int) -> Bool {
        layer < count / 8 || layer >= 7 * count / 8 || (layer - count / 8) % 3 == 2
    }

    /// The tensors in llama.cpp's order, with their types.
    static func tensors(_ shape: SyntheticModelShape, vocabularySize: Int) throws(GGUFError) -> [Planned] {
        var plan: [Planned] = []
        func add(_ name: String, _ type: GGMLType, _ dimensions: [Int], deviation: Float = 0.02, fill: Float = 0) throws(GGUFError) {
            plan.append(Planned(descriptor: try GGUFTensorDescriptor(name: name, type: type, shape: dimensions),
                                deviation: deviation, fill: fill))
        }
        let e = shape.embedding, q = shape.heads * shape.headWidth, kv = shape.headsKV * shape.headWidth
        try add("token_embd.weight", .q4_K, [e, vocabularySize])
        try add("output_norm.weight", .f32, [e], deviation: 0, fill: 1)
        if !shape.tiedOutput { try add("output.weight", .q6_K, [e, vocabularySize]) }
        for layer in 0..<shape.blocks {
            let block = "blk.\(layer)."
            let heavy: GGMLType = usesMoreBits(layer, of: shape.blocks) ? .q6_K : .q4_K
            try add(block + "attn_norm.weight", .f32, [e], deviation: 0, fill: 1)
            try add(block + "attn_q.weight", .q4_K, [e, q])
            try add(block + "attn_k.weight", .q4_K, [e, kv])
            try add(block + "attn_v.weight", heavy, [e, kv])
            if shape.attentionBiases {
                try add(block + "attn_q.bias", .f32, [q], deviation: 0)
                try add(block + "attn_k.bias", .f32, [kv], deviation: 0)
                try add(block + "attn_v.bias", .f32, [kv], deviation: 0)
            }
            try add(block + "attn_output.weight", .q4_K, [q, e])
            if shape.queryKeyNorms {
                try add(block + "attn_q_norm.weight", .f32, [shape.headWidth], deviation: 0, fill: 1)
                try add(block + "attn_k_norm.weight", .f32, [shape.headWidth], deviation: 0, fill: 1)
            }
            try add(block + "ffn_norm.weight", .f32, [e], deviation: 0, fill: 1)
            if shape.experts > 0 {
                let f = shape.expertFeedForward, n = shape.experts
                try add(block + "ffn_gate_inp.weight", .f32, [e, n])
                try add(block + "ffn_gate_exps.weight", .q4_K, [e, f, n])
                try add(block + "ffn_up_exps.weight", .q4_K, [e, f, n])
                try add(block + "ffn_down_exps.weight", heavy, [f, e, n])
            } else {
                try add(block + "ffn_gate.weight", .q4_K, [e, shape.feedForward])
                try add(block + "ffn_up.weight", .q4_K, [e, shape.feedForward])
                try add(block + "ffn_down.weight", heavy, [shape.feedForward, e])
            }
        }
        return plan
    }

    /// The architecture's keys, as the converters of the real models write them.
    static func metadata(_ shape: SyntheticModelShape, name: String) -> GGUFMetadata {
        var metadata = GGUFMetadata()
        let a = shape.architecture
        metadata.set("general.architecture", .string(a))
        metadata.set("general.name", .string(name))
        metadata.set("general.file_type", .uint32(15)) // MOSTLY_Q4_K_M
        metadata.set("general.quantization_version", .uint32(2))
        metadata.set("\(a).block_count", .uint32(UInt32(shape.blocks)))
        metadata.set("\(a).context_length", .uint32(UInt32(shape.contextLength)))
        metadata.set("\(a).embedding_length", .uint32(UInt32(shape.embedding)))
        metadata.set("\(a).feed_forward_length", .uint32(UInt32(shape.feedForward)))
        metadata.set("\(a).attention.head_count", .uint32(UInt32(shape.heads)))
        metadata.set("\(a).attention.head_count_kv", .uint32(UInt32(shape.headsKV)))
        metadata.set("\(a).rope.freq_base", .float32(shape.ropeBase))
        metadata.set("\(a).attention.layer_norm_rms_epsilon", .float32(shape.normEpsilon))
        if shape.headWidth * shape.heads != shape.embedding || shape.architecture == "qwen3moe" {
            metadata.set("\(a).attention.key_length", .uint32(UInt32(shape.headWidth)))
            metadata.set("\(a).attention.value_length", .uint32(UInt32(shape.headWidth)))
        }
        if shape.architecture == "llama" { metadata.set("\(a).rope.dimension_count", .uint32(UInt32(shape.headWidth))) }
        if shape.experts > 0 {
            metadata.set("\(a).expert_count", .uint32(UInt32(shape.experts)))
            metadata.set("\(a).expert_used_count", .uint32(UInt32(shape.expertsUsed)))
            metadata.set("\(a).expert_feed_forward_length", .uint32(UInt32(shape.expertFeedForward)))
        }
        return metadata
    }

    /// Fills `buffer` with the tensor's values (F32) or their quantized blocks, in slices of
    /// rows so at most about 64 MiB of float32 exists at once.
    static func produce(_ tensor: Planned, seed: UInt64, into buffer: UnsafeMutableRawBufferPointer, threads: Int) throws(GGUFError) {
        let rowLength = tensor.descriptor.shape[0], rowCount = tensor.elements / max(1, rowLength)
        let type = tensor.descriptor.type
        var nameHash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in tensor.descriptor.name.utf8 { nameHash = (nameHash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        let rowsPerSlice = max(1, (16 << 20) / max(1, rowLength))
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: min(rowCount, rowsPerSlice) * rowLength)
        defer { scratch.deallocate() }
        let bound = tensor.deviation * Float(3).squareRoot()
        let rowBytes = type.rowByteCount(elements: rowLength)
        var first = 0
        while first < rowCount {
            let count = min(rowsPerSlice, rowCount - first)
            let values = type == .f32 ? buffer.baseAddress!.assumingMemoryBound(to: Float.self) + first * rowLength : scratch
            Parallel.forEachRange(count: count, threads: threads) { rows in
                for row in rows {
                    let destination = values + row * rowLength
                    guard bound > 0 else {
                        destination.initialize(repeating: tensor.fill, count: rowLength)
                        continue
                    }
                    var generator = SplitMix64(seed: seed ^ nameHash ^ (UInt64(first + row) &* 0x9E37_79B9_7F4A_7C15))
                    for column in 0..<rowLength {
                        let unit = Float(generator.next() >> 40) * (1 / Float(1 << 24)) // [0, 1)
                        destination[column] = tensor.fill + (2 * unit - 1) * bound
                    }
                }
            }
            if type != .f32 {
                do {
                    try RowQuantizer.quantize(type, rows: scratch, rowCount: count, rowLength: rowLength, importance: nil,
                                              into: buffer.baseAddress! + first * rowBytes, threads: threads)
                } catch {
                    throw GGUFError(file: "<synthesize>", field: tensor.descriptor.name, kind: .invalidValue, message: error.description, cause: error)
                }
            }
            first += count
        }
    }
}
