import GGUF

/// The facts about a model that llama-quantize's mix rules read: architecture, expert count,
/// grouped-query ratio, layer count and whether llama.cpp calls it a 70B model.
public struct MixModel: Sendable, Equatable {
    public var architecture: String
    /// `{arch}.expert_count` (0 for a dense model).
    public var expertCount: Int
    /// Query heads per KV head in layer 0 (`n_gqa()`; 0 without KV heads).
    public var queryGroupSize: Int
    /// `{arch}.block_count`, every block counted.
    public var layerCount: Int
    /// llama.cpp's `LLM_TYPE_70B`: it gives such a model's attn_v more bits.
    public var is70B: Bool

    public init(architecture: String, expertCount: Int, queryGroupSize: Int, layerCount: Int, is70B: Bool) {
        self.architecture = architecture
        self.expertCount = expertCount
        self.queryGroupSize = queryGroupSize
        self.layerCount = layerCount
        self.is70B = is70B
    }

    /// Reads the facts from a model's metadata (after any `--override-kv`).
    /// - Throws: ``GGUFError`` for a missing architecture or block count, or a mistyped key.
    public init(metadata: GGUFMetadata) throws(GGUFError) {
        let arch = try metadata.string("general.architecture")
        let layers = try metadata.int("\(arch).block_count")
        let heads = try Self.firstLayerValue(metadata, "\(arch).attention.head_count") ?? 0
        let kvHeads = try Self.firstLayerValue(metadata, "\(arch).attention.head_count_kv") ?? heads
        let seventy: Bool = switch (arch, layers) {
        case ("llama", 80): heads != kvHeads
        case ("qwen2", 80), ("deci", 80), ("olmo", 80), ("jais2", 68): true
        default: false
        }
        self.init(architecture: arch, expertCount: try metadata.intIfPresent("\(arch).expert_count") ?? 0,
                  queryGroupSize: kvHeads == 0 ? 0 : heads / kvHeads, layerCount: layers, is70B: seventy)
    }

    /// A per-model integer, or layer 0's entry when it is stored per layer.
    private static func firstLayerValue(_ metadata: GGUFMetadata, _ key: String) throws(GGUFError) -> Int? {
        if case .array = metadata[key] { return try metadata.ints(key).first }
        return try metadata.intIfPresent(key)
    }
}
