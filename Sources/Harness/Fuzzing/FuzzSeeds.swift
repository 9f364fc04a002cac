import GGUF
import IMatrix

/// Small valid inputs built in code, so every target fuzzes without a corpus folder: a dense
/// and an MoE model header with a few tensor types and a tiny vocabulary, GGUF and legacy
/// imatrix files with a dense and a per-expert entry, SentencePiece and byte-level BPE
/// vocabularies. The saved corpus (`Tests/Fuzz/corpus/`) adds the fixtures' real files.
public enum FuzzSeeds {
    /// Keys and names worth inserting into GGUF inputs.
    public static let ggufDictionary: [[UInt8]] = [
        "GGUF", "general.architecture", "general.alignment", "general.type", "general.name", "general.file_type",
        "llama", "gemma3", "qwen3moe", "imatrix", "imatrix.datasets", "imatrix.chunk_count", "imatrix.chunk_size",
        ".in_sum2", ".counts", "llama.block_count", "llama.expert_count", "llama.embedding_length",
        "tokenizer.ggml.tokens", "tokenizer.ggml.model", "tokenizer.ggml.merges", "tokenizer.ggml.pre",
        "blk.0.ffn_down_exps.weight", "token_embd.weight",
    ].map { Array($0.utf8) }

    /// A dense and an MoE `llama` model: metadata, a tiny vocabulary, F32/F16/Q8_0/Q4_K tensors.
    public static func smallModel() -> [[UInt8]] {
        [model(experts: 0), model(experts: 4)]
    }

    static func model(experts: Int) -> [UInt8] {
        var writer = GGUFWriter()
        let m = "llama"
        writer.metadata.set("general.architecture", .string(m))
        writer.metadata.set("general.name", .string(experts > 0 ? "fuzz moe" : "fuzz dense"))
        writer.metadata.set("general.file_type", .uint32(15))
        writer.metadata.set("\(m).block_count", .uint32(1))
        writer.metadata.set("\(m).context_length", .uint32(128))
        writer.metadata.set("\(m).embedding_length", .uint32(256))
        writer.metadata.set("\(m).feed_forward_length", .array(.int32([64])))
        writer.metadata.set("\(m).attention.head_count", .uint32(4))
        writer.metadata.set("\(m).attention.head_count_kv", .uint32(2))
        if experts > 0 {
            writer.metadata.set("\(m).expert_count", .uint32(UInt32(experts)))
            writer.metadata.set("\(m).expert_used_count", .uint32(2))
        }
        writer.metadata.set("tokenizer.ggml.model", .string("llama"))
        writer.metadata.set("tokenizer.ggml.tokens", .array(.string(["<unk>", "<s>", "</s>", "▁a", "b", "▁ab"])))
        writer.metadata.set("tokenizer.ggml.scores", .array(.float32([0, 0, 0, -1, -2, -0.5])))
        writer.metadata.set("tokenizer.ggml.token_type", .array(.int32([2, 3, 3, 1, 1, 1])))
        func add(_ name: String, _ type: GGMLType, _ shape: [Int]) {
            let elements = shape.reduce(1, *)
            try? writer.addTensor(name: name, type: type, shape: shape,
                                  data: [UInt8](repeating: 0, count: elements / type.blockSize * type.typeSize))
        }
        add("token_embd.weight", .q8_0, [256, 6])
        add("blk.0.attn_norm.weight", .f32, [256])
        add("blk.0.attn_q.weight", .q4_K, [256, 4])
        add("blk.0.attn_k.weight", .f16, [256, 2])
        if experts > 0 {
            add("blk.0.ffn_gate_inp.weight", .f32, [256, experts])
            add("blk.0.ffn_down_exps.weight", .q8_0, [64, 256, experts])
        } else {
            add("blk.0.ffn_down.weight", .q4_K, [256, 2])
        }
        return writer.serialized()
    }

    /// The entries of the imatrix seeds: a dense matrix and a per-expert one with an empty expert.
    static func imatrixEntries() -> [ImatrixEntry] {
        [ImatrixEntry(name: "blk.0.attn_q.weight", sums: (0..<32).map { Double($0) * 0.5 + 1 }, counts: [512]),
         ImatrixEntry(name: "blk.0.ffn_down_exps.weight", sums: (0..<64).map { Double($0 % 16) }, counts: [100, 0, 300, 112])]
    }

    /// A GGUF imatrix of ``imatrixEntries()``.
    public static func imatrixGGUF() -> [[UInt8]] {
        guard let bytes = try? ImatrixGGUFFormat.encode(imatrixEntries(), datasets: ["calibration.txt"],
                                                        chunkCount: 2, chunkSize: 256) else { return [] }
        return [bytes]
    }

    /// A legacy `imatrix.dat` of ``imatrixEntries()``.
    public static func imatrixDat() -> [[UInt8]] {
        [LegacyImatrixFormat.encode(imatrixEntries(), chunkSize: 512, chunkCount: 2, dataset: "calibration.txt").bytes]
    }

    /// A SentencePiece vocabulary (byte fallback, a control and a user-defined token) and a
    /// byte-level BPE vocabulary (the 256 byte characters, merges), as vocab-only GGUFs.
    public static func vocabularies() -> [[UInt8]] {
        var spm = GGUFWriter()
        spm.metadata.set("general.architecture", .string("llama"))
        spm.metadata.set("tokenizer.ggml.model", .string("llama"))
        var tokens = ["<unk>", "<s>", "</s>"] + (0..<256).map { "<0x" + hex($0) + ">" }
        tokens += ["▁", "▁a", "b", "▁ab", "<start_of_turn>", "<mask>", "c▁d"]
        var types = [Int32](repeating: 1, count: tokens.count)
        types[0] = 2; types[1] = 3; types[2] = 3
        for i in 3..<259 { types[i] = 6 }
        types[tokens.count - 3] = 3; types[tokens.count - 2] = 4
        spm.metadata.set("tokenizer.ggml.tokens", .array(.string(tokens)))
        spm.metadata.set("tokenizer.ggml.scores", .array(.float32((0..<tokens.count).map { -Float($0) / 10 })))
        spm.metadata.set("tokenizer.ggml.token_type", .array(.int32(types)))
        spm.metadata.set("tokenizer.ggml.bos_token_id", .uint32(1))
        spm.metadata.set("tokenizer.ggml.add_space_prefix", .bool(true))

        var bpe = GGUFWriter()
        bpe.metadata.set("general.architecture", .string("llama"))
        bpe.metadata.set("tokenizer.ggml.model", .string("gpt2"))
        bpe.metadata.set("tokenizer.ggml.pre", .string("llama-bpe"))
        var pieces = (0..<256).map { String(UnicodeScalar(byteCharacter($0))!) }
        pieces += ["ab", "Ġa", "Ġab", "<|eot|>", "abc"]
        var bpeTypes = [Int32](repeating: 1, count: pieces.count)
        bpeTypes[pieces.count - 2] = 3
        bpe.metadata.set("tokenizer.ggml.tokens", .array(.string(pieces)))
        bpe.metadata.set("tokenizer.ggml.token_type", .array(.int32(bpeTypes)))
        bpe.metadata.set("tokenizer.ggml.merges", .array(.string(["a b", "Ġ a", "Ġa b", "ab c"])))
        bpe.metadata.set("tokenizer.ggml.eos_token_id", .uint32(UInt32(pieces.count - 2)))
        return [spm.serialized(), bpe.serialized()]
    }

    static func hex(_ byte: Int) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[byte >> 4], digits[byte & 15]])
    }

    /// GPT-2's byte-level alphabet: the character standing for `byte`.
    static func byteCharacter(_ byte: Int) -> UInt32 {
        func printable(_ b: Int) -> Bool { (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b) }
        if printable(byte) { return UInt32(byte) }
        return 256 + UInt32((0..<byte).filter { !printable($0) }.count)
    }
}
