/// What kind of token a vocabulary entry is, with llama.cpp's attribute bits
/// (`llama_token_attr`): the GGUF `tokenizer.ggml.token_type` of each token becomes one of
/// these, and a few model-specific rules add `leftStrip`/`rightStrip`.
public struct TokenAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let unknown = TokenAttributes(rawValue: 1 << 0)
    public static let unused = TokenAttributes(rawValue: 1 << 1)
    public static let normal = TokenAttributes(rawValue: 1 << 2)
    public static let control = TokenAttributes(rawValue: 1 << 3)
    public static let userDefined = TokenAttributes(rawValue: 1 << 4)
    public static let byte = TokenAttributes(rawValue: 1 << 5)
    public static let normalized = TokenAttributes(rawValue: 1 << 6)
    public static let leftStrip = TokenAttributes(rawValue: 1 << 7)
    public static let rightStrip = TokenAttributes(rawValue: 1 << 8)
    public static let singleWord = TokenAttributes(rawValue: 1 << 9)

    /// The attributes of GGUF token type `type` (0 undefined, 1 normal, 2 unknown, 3 control,
    /// 4 user-defined, 5 unused, 6 byte); nil for any other value.
    public init?(tokenType type: Int) {
        switch type {
        case 0: self = []
        case 1: self = .normal
        case 2: self = .unknown
        case 3: self = .control
        case 4: self = .userDefined
        case 5: self = .unused
        case 6: self = .byte
        default: return nil
        }
    }

    /// Tokens matched in the text before the model's own algorithm runs: control, user-defined
    /// and unknown tokens (control and unknown ones only when special tokens are parsed).
    static let matchedVerbatim: TokenAttributes = [.control, .userDefined, .unknown]
}
