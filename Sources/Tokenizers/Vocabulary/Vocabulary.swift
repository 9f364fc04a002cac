import GGUF

/// A tokenizer vocabulary read from the `tokenizer.ggml.*` keys of a GGUF file (a model or a
/// vocab-only file): token texts as raw bytes, scores, attributes, merges, special token ids
/// and the flags that decide BOS/EOS and the space prefix, with llama.cpp's defaults.
public final class Vocabulary: Sendable {
    /// The file the vocabulary came from (for error messages).
    public let source: String
    public let model: TokenizerModel
    /// `tokenizer.ggml.pre` (empty when absent).
    public let preTokenizerName: String
    /// The pre-tokenizer a byte-level BPE vocabulary splits text with.
    public let preTokenizer: PreTokenizer
    public let tokens: TokenTable
    public let scores: [Float]
    public let attributes: [TokenAttributes]
    /// Merge ranks (byte-level BPE only).
    public let merges: MergeRanks?
    public let special: SpecialTokenIDs
    /// Whether tokenizing with special tokens on adds BOS first / EOS last.
    public let addBOS: Bool
    /// Problems tolerated while reading, as llama.cpp tolerates them (one `warning: …` line each).
    public let warnings: [String]
    public let addEOS: Bool
    /// SentencePiece: whether a space is put before text that starts the input or follows a
    /// special token.
    public let addSpacePrefix: Bool
    /// BPE: whether a pre-tokenized word that is itself a token skips the merges (Llama 3).
    public let ignoreMerges: Bool
    /// BPE: whether decoding removes the space before `?!.,` and some contractions.
    public let cleanSpaces: Bool
    /// Control, user-defined and unknown tokens, longest text first: the tokens matched in the
    /// text before the algorithm runs.
    let verbatimTokens: [Int32]
    /// SentencePiece byte-fallback token of each byte value, or -1.
    let byteTokens: [Int32]

    /// Number of tokens.
    public var count: Int { tokens.count }

    /// Reads the vocabulary of the GGUF file at `path`.
    public convenience init(path: String, allowDefaultPreTokenizer: Bool = false) throws(GGUFError) {
        try self.init(file: GGUFFile(path: path), allowDefaultPreTokenizer: allowDefaultPreTokenizer)
    }

    /// Reads the vocabulary of `file`. An unknown `tokenizer.ggml.pre` is an error unless
    /// `allowDefaultPreTokenizer`, which falls back to llama.cpp's default BPE splitting.
    public init(file: GGUFFile, allowDefaultPreTokenizer: Bool = false) throws(GGUFError) {
        let path = file.path
        let metadata = file.metadata
        func invalid(_ field: String, _ message: String) -> GGUFError {
            GGUFError(file: path, field: field, kind: .invalidValue, message: message)
        }
        source = path

        let modelName = try metadata.string(VocabularyKey.model)
        guard let model = TokenizerModel(rawValue: modelName) else {
            throw invalid(VocabularyKey.model, "unsupported tokenizer model '\(modelName)' (supported: llama, gpt2)")
        }
        self.model = model

        let texts = try file.rawStrings(VocabularyKey.tokens)
        guard !texts.isEmpty else { throw invalid(VocabularyKey.tokens, "the vocabulary is empty") }
        guard texts.count < Int(Int32.max) else { throw invalid(VocabularyKey.tokens, "too many tokens") }
        let n = texts.count
        tokens = TokenTable(tokens: texts)

        let scores = try metadata.floatsIfPresent(VocabularyKey.scores) ?? [Float](repeating: 0, count: n)
        guard scores.count == n else {
            throw invalid(VocabularyKey.scores, "has \(scores.count) entries but \(VocabularyKey.tokens) has \(n)")
        }
        self.scores = scores

        var attributes = [TokenAttributes](repeating: .normal, count: n)
        if let types = try metadata.int32sIfPresent(VocabularyKey.tokenTypes) {
            guard types.count == n else {
                throw invalid(VocabularyKey.tokenTypes, "has \(types.count) entries but \(VocabularyKey.tokens) has \(n)")
            }
            for (index, type) in types.enumerated() {
                guard let attribute = TokenAttributes(tokenType: Int(type)) else {
                    throw invalid("\(VocabularyKey.tokenTypes)[\(index)]", "unknown token type \(type)")
                }
                attributes[index] = attribute
            }
        }

        preTokenizerName = try metadata.stringIfPresent(VocabularyKey.preTokenizer) ?? ""
        var addBOS: Bool, addSpacePrefix: Bool, ignoreMerges = false, cleanSpaces = false
        var special: SpecialTokenIDs
        switch model {
        case .sentencePiece:
            preTokenizer = .default
            addBOS = true
            addSpacePrefix = true
            special = SpecialTokenIDs(beginOfSequence: 1, endOfSequence: 2, unknown: 0)
            merges = nil
        case .bytePair:
            if let known = PreTokenizer(vocabularyName: preTokenizerName) {
                preTokenizer = known
            } else if allowDefaultPreTokenizer || preTokenizerName.isEmpty {
                preTokenizer = .default
            } else {
                throw invalid(VocabularyKey.preTokenizer,
                              "unknown pre-tokenizer '\(preTokenizerName)' (use --allow-default-pretokenizer to split with the default rules)")
            }
            addBOS = PreTokenizer.isLlama3Proper(vocabularyName: preTokenizerName)
            addSpacePrefix = false
            ignoreMerges = PreTokenizer.ignoresMerges(vocabularyName: preTokenizerName)
            cleanSpaces = PreTokenizer.cleansSpaces(vocabularyName: preTokenizerName)
            special = SpecialTokenIDs(beginOfSequence: 11, endOfSequence: 11)
            if PreTokenizer.hasNoDefaultBOS(vocabularyName: preTokenizerName) { special.beginOfSequence = nil }
            merges = try Self.readMerges(file: file, tokens: tokens)
        }
        addBOS = try metadata.boolIfPresent(VocabularyKey.addBOS) ?? addBOS
        addEOS = try metadata.boolIfPresent(VocabularyKey.addEOS) ?? false
        self.addSpacePrefix = try metadata.boolIfPresent(VocabularyKey.addSpacePrefix) ?? addSpacePrefix
        self.addBOS = addBOS
        self.ignoreMerges = ignoreMerges
        self.cleanSpaces = cleanSpaces

        // llama.cpp's rule for every special id: one outside the vocabulary (32000 of 32000,
        // 0xFFFFFFFF, −1) is ignored with a warning and the tokenizer's default is kept.
        var warnings: [String] = []
        func specialID(_ key: String, _ fallback: Int32?) throws(GGUFError) -> Int32? {
            let usable = fallback.flatMap { $0 < n ? $0 : nil }
            guard let value = try metadata.intIfPresent(key) else { return usable }
            guard value >= 0, value < n else {
                warnings.append("warning: \(file.path): \(key): token id \(value) is outside the vocabulary (\(n) tokens); using the default (\(usable.map { "\($0)" } ?? "none")), as llama.cpp does")
                return usable
            }
            return Int32(value)
        }
        special.beginOfSequence = try specialID(VocabularyKey.bos, special.beginOfSequence)
        special.endOfSequence = try specialID(VocabularyKey.eos, special.endOfSequence)
        special.unknown = try specialID(VocabularyKey.unknown, special.unknown)
        special.separator = try specialID(VocabularyKey.separator, nil)
        special.padding = try specialID(VocabularyKey.padding, nil)
        self.special = special
        self.warnings = warnings

        let modelTitle = (try metadata.stringIfPresent("general.name") ?? "").lowercased()
        SpecialTokenRules.apply(to: &attributes, tokens: tokens, modelName: modelTitle)
        self.attributes = attributes
        verbatimTokens = Self.verbatimTokens(attributes: attributes, tokens: tokens)
        byteTokens = model == .sentencePiece ? Self.byteFallbackTokens(tokens) : []
    }

    /// The attributes of token `id`.
    @inline(__always)
    public func attributes(of id: Int32) -> TokenAttributes { attributes[Int(id)] }

    private static func readMerges(file: GGUFFile, tokens: TokenTable) throws(GGUFError) -> MergeRanks {
        let lines = try file.rawStrings(VocabularyKey.merges)
        let ranks = MergeRanks(capacity: lines.count)
        for (rank, line) in lines.enumerated() {
            let field = "\(VocabularyKey.merges)[\(rank)]"
            let shown = String(decoding: line, as: UTF8.self)
            // The separator is the first space after the first byte, as llama.cpp splits.
            guard line.count >= 3, let space = line[1...].firstIndex(of: 0x20) else {
                throw GGUFError(file: file.path, field: field, kind: .invalidValue, message: "merge '\(shown)' is not two tokens separated by a space")
            }
            let left = line[..<space], right = line[(space + 1)...]
            guard let leftID = tokens.id(of: left) else {
                throw GGUFError(file: file.path, field: field, kind: .invalidValue,
                                message: "merge '\(shown)' names unknown token '\(String(decoding: left, as: UTF8.self))'")
            }
            guard let rightID = tokens.id(of: right) else {
                throw GGUFError(file: file.path, field: field, kind: .invalidValue,
                                message: "merge '\(shown)' names unknown token '\(String(decoding: right, as: UTF8.self))'")
            }
            ranks.insert(left: leftID, right: rightID, rank: Int32(rank))
        }
        return ranks
    }

    private static func verbatimTokens(attributes: [TokenAttributes], tokens: TokenTable) -> [Int32] {
        var ids: [Int32] = []
        for (id, attribute) in attributes.enumerated() where !attribute.isDisjoint(with: TokenAttributes.matchedVerbatim) {
            if tokens.bytes(of: id).count > 0 { ids.append(Int32(id)) }
        }
        // Longest first; equal lengths by id so the order is deterministic.
        return ids.sorted { a, b in
            let la = tokens.bytes(of: Int(a)).count, lb = tokens.bytes(of: Int(b)).count
            return la != lb ? la > lb : a < b
        }
    }

    private static func byteFallbackTokens(_ tokens: TokenTable) -> [Int32] {
        let hex = Array("0123456789ABCDEF".utf8)
        return (0..<256).map { value in
            let name: [UInt8] = [0x3C, 0x30, 0x78, hex[value >> 4], hex[value & 15], 0x3E]   // <0xHH>
            return tokens.id(of: name) ?? tokens.id(of: [UInt8(value)]) ?? -1
        }
    }
}
