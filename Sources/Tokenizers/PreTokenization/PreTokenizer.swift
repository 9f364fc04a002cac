/// How a byte-level BPE vocabulary splits text into words before merging
/// (`tokenizer.ggml.pre`): llama.cpp's pre-tokenizer types, each a list of split passes applied
/// one after the other (each pass splits every piece of the previous one; text a pass does not
/// match stays a piece of its own).
public enum PreTokenizer: String, Sendable, CaseIterable {
    /// llama.cpp's default BPE rules (`default`, or no `tokenizer.ggml.pre`).
    case `default`
    /// GPT-2 (`gpt-2`, `mpt`, `olmo`, `jais`, `phi-2`, `jina-es`, `jina-de`, …).
    case gpt2
    /// Llama 3 (`llama-bpe`, `llama3`, `llama-v3`, `falcon3`, `falcon-h1`, `pixtral`, …), and
    /// GLM-4 (`chatglm-bpe`, `glm4`, `glm5`: llama.cpp's CHATGLM4 rules are Llama 3's split).
    case llama3
    /// Qwen 2 (`qwen2`, `stablelm2`, `deepseek-r1-qwen`, `hunyuan`, `megrez`).
    case qwen2
    /// Qwen 3.5 (`qwen35`): Qwen 2 with combining marks kept inside words.
    case qwen35
    /// StarCoder family (`starcoder`, `refact`, `command-r`, `smollm`, `codeshell`, `exaone`, `minerva`).
    case starcoder
    /// `falcon`.
    case falcon
    /// `deepseek-coder`.
    case deepseekCoder
    /// `deepseek-llm`.
    case deepseekLLM
    /// DeepSeek-V3/R1 (`deepseek-v3`; also `hunyuan-dense`, `joyai-llm`, `hy_v4`): numbers in
    /// threes, CJK/kana runs, then words.
    case deepseekV3
    /// Kimi-K2 (`kimi-k2`), as llama.cpp's own splitter for it.
    case kimiK2
    /// GPT-4o's o200k rules (`gpt-4o`: gpt-oss; `llama4`, `kanana2`, `talkie`, `minimax-m2`).
    case gpt4o

    /// The pre-tokenizer llama.cpp selects for `tokenizer.ggml.pre = name`, or nil when this
    /// project does not know the name.
    public init?(vocabularyName name: String) {
        switch name {
        case "default": self = .default
        case "gpt-2", "mpt", "olmo", "jais", "phi-2", "jina-es", "jina-de", "jina-v2-es", "jina-v2-de",
             "jina-v1-en", "jina-v2-code", "roberta-bpe", "gigachat", "trillion", "a.x-4.0", "mellum":
            self = .gpt2
        case "llama-bpe", "llama3", "llama-v3", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2",
             "dbrx", "smaug-bpe", "chatglm-bpe", "glm4", "glm5":
            self = .llama3
        case "qwen2", "stablelm2", "deepseek-r1-qwen", "hunyuan", "megrez": self = .qwen2
        case "qwen35": self = .qwen35
        case "starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b": self = .starcoder
        case "falcon": self = .falcon
        case "deepseek-coder": self = .deepseekCoder
        case "deepseek-llm": self = .deepseekLLM
        case "gpt-4o", "llama4", "kanana2", "talkie", "minimax-m2": self = .gpt4o
        case "deepseek-v3", "hunyuan-dense", "joyai-llm", "hy_v4": self = .deepseekV3
        case "kimi-k2": self = .kimiK2
        default: return nil
        }
    }

    /// The split passes, in order.
    var passes: [SplitRule] {
        switch self {
        case .default:
            return [.punctuationRun(backtick: false), .gpt2, .numberRun, .asciiDigitTriple]
        case .gpt2:
            return [.gpt2]
        case .llama3:
            return [.llama3Family(maxDigits: 3, marksInWords: false)]
        case .qwen2:
            return [.llama3Family(maxDigits: 1, marksInWords: false)]
        case .qwen35:
            return [.llama3Family(maxDigits: 1, marksInWords: true)]
        case .starcoder:
            return [.singleNumber, .gpt2]
        case .falcon:
            return [.punctuationRun(backtick: true), .gpt2, .asciiDigitTriple]
        case .deepseekCoder:
            return [.lineBreak, .spaceThenLetters, .spaceThenPunctuation, .rangeRun(CJKRanges.deepseek), .singleNumber]
        case .deepseekLLM:
            return [.lineBreak, .spaceThenRanges(DeepseekRanges.letters), .spaceThenRanges(DeepseekRanges.punctuation),
                    .trailingWhitespace, .rangeRun(CJKRanges.deepseek), .numberRun]
        case .gpt4o:
            return [.gpt4o]
        case .kimiK2:
            return [.kimiK2]
        case .deepseekV3:
            return [.numberGroups(3), .rangeRun(CJKRanges.deepseekV3), .deepseekV3Words]
        }
    }

    /// The names llama.cpp gives Llama 3's rules with two more settings: BOS added unless the
    /// metadata says otherwise, and a word that is a whole token skipping the merges (DBRX and
    /// Smaug split the same way but have neither).
    static func isLlama3Proper(vocabularyName name: String) -> Bool {
        ["llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2"].contains(name)
    }

    /// Whether a pre-tokenized word that is itself a token skips the merges: Llama 3 proper, and
    /// GLM-4.5/5 (`glm4`, `glm5`; not the older `chatglm-bpe`).
    static func ignoresMerges(vocabularyName name: String) -> Bool {
        isLlama3Proper(vocabularyName: name) || ["glm4", "glm5"].contains(name)
    }

    /// Whether the vocabulary has no BOS token unless `tokenizer.ggml.bos_token_id` names one
    /// (llama.cpp sets `special_bos_id = LLAMA_TOKEN_NULL` for the GLM-4 names).
    static func hasNoDefaultBOS(vocabularyName name: String) -> Bool {
        ["chatglm-bpe", "glm4", "glm5"].contains(name)
    }

    /// Whether decoding a vocabulary with `tokenizer.ggml.pre = name` cleans spaces before
    /// punctuation: llama.cpp does it for byte-level BPE except for these names.
    static func cleansSpaces(vocabularyName name: String) -> Bool {
        !["deepseek-llm", "deepseek-coder", "deepseek-v3", "command-r", "qwen2", "deepseek-r1-qwen", "qwen35", "poro-chat",
          "gpt-4o", "llama4", "kanana2", "talkie", "minimax-m2", "hunyuan-dense", "joyai-llm", "hy_v4", "kimi-k2"]
            .contains(name)
    }
}
