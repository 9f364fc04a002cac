import GGUF

/// The model families the forward pass implements, by their `general.architecture` name.
///
/// `llama` covers dense Llama-style models and Mixtral-style mixtures of experts
/// (`llama.expert_count > 0`); `glm4moe` is GLM-4.5/4.6 (shared experts, sigmoid routing);
/// `gpt-oss` is OpenAI's gpt-oss (attention sinks, biased experts, clamped SwiGLU); `deepseek2`
/// is DeepSeek-V2/V3 and Kimi-K2 (latent attention, grouped routing).
public enum ArchitectureFamily: String, CaseIterable, Sendable {
    case llama
    case qwen2
    case qwen3
    case qwen3moe
    case gemma3
    case glm4moe
    case gptOSS = "gpt-oss"
    case deepseek2

    /// The family of `metadata`'s `general.architecture`.
    /// - Throws: `.missingKey` when the key is absent, `.invalidValue` for an unsupported
    ///   architecture; the message lists the supported ones.
    public init(metadata: GGUFMetadata) throws(GGUFError) {
        let name = try metadata.architecture()
        guard let family = ArchitectureFamily(rawValue: name) else {
            let supported = ArchitectureFamily.allCases.map(\.rawValue).joined(separator: ", ")
            throw GGUFError(file: metadata.source, field: "general.architecture", kind: .invalidValue,
                            message: "unsupported architecture '\(name)' (supported: \(supported))")
        }
        self = family
    }
}
