/// Token ids back to text, as llama.cpp's `llama_token_to_piece` and `llama_detokenize`.
extension Tokenizer {
    /// The bytes token `id` stands for. Normal tokens give their text (SentencePiece: ▁ as a
    /// space; byte-level BPE: the alphabet mapped back to bytes), byte tokens their byte,
    /// user-defined tokens their text; control and unknown tokens give their text only with
    /// `special`, else nothing.
    public func piece(_ id: Int32, special: Bool = false) -> [UInt8] {
        guard id >= 0, Int(id) < vocabulary.count else { return [] }
        let text = vocabulary.tokens.bytes(of: Int(id))
        let attributes = vocabulary.attributes(of: id)
        if attributes.contains(.userDefined) || (special && !attributes.isDisjoint(with: [.control, .unknown])) {
            return Array(text)
        }
        switch vocabulary.model {
        case .sentencePiece:
            if attributes.contains(.normal) { return Self.unescapeSpaces(text) }
            if attributes.contains(.byte) { return Self.byteTokenValue(text).map { [$0] } ?? [] }
            return []
        case .bytePair:
            guard attributes.contains(.normal) else { return [] }
            var scalars: [UInt32] = []
            LenientUTF8.decode(text, into: &scalars)
            return scalars.compactMap { ByteLevelAlphabet.byte(of: $0) }
        }
    }

    /// The text of `ids`. SentencePiece drops the space prefix of the first piece when the
    /// vocabulary adds one; `removeSpecial` drops a leading BOS / trailing EOS the vocabulary
    /// adds; `unparseSpecial` renders control tokens as their text. Byte-level BPE vocabularies
    /// that clean spaces remove the space before `?!.,` and some apostrophes, as llama.cpp.
    public func decode(_ ids: [Int32], removeSpecial: Bool = false, unparseSpecial: Bool = false) -> [UInt8] {
        var ids = ids[...]
        var stripSpace = vocabulary.addSpacePrefix
        if removeSpecial && vocabulary.addBOS, let first = ids.first, first == vocabulary.special.beginOfSequence {
            stripSpace = false
            ids = ids.dropFirst()
        }
        if removeSpecial && vocabulary.addEOS, let last = ids.last, last == vocabulary.special.endOfSequence {
            ids = ids.dropLast()
        }
        var text: [UInt8] = []
        for id in ids {
            var bytes = piece(id, special: unparseSpecial)[...]
            if stripSpace, bytes.first == 0x20 { bytes = bytes.dropFirst() }
            stripSpace = false
            text.append(contentsOf: bytes)
        }
        if vocabulary.cleanSpaces { text = SpaceCleaning.clean(text) }
        return text
    }

    /// The text of `ids` as a string (invalid UTF-8 repaired).
    public func decodeString(_ ids: [Int32], removeSpecial: Bool = false, unparseSpecial: Bool = false) -> String {
        String(decoding: decode(ids, removeSpecial: removeSpecial, unparseSpecial: unparseSpecial), as: UTF8.self)
    }

    private static func unescapeSpaces(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if i + 2 < text.count && text[i] == 0xE2 && text[i + 1] == 0x96 && text[i + 2] == 0x81 {
                result.append(0x20)
                i += 3
            } else {
                result.append(text[i])
                i += 1
            }
        }
        return result
    }

    /// The byte of a `<0xNN>` token.
    private static func byteTokenValue(_ text: UnsafeBufferPointer<UInt8>) -> UInt8? {
        guard text.count == 6 else { return nil }
        return UInt8(String(decoding: text[3..<5], as: UTF8.self), radix: 16)
    }
}
