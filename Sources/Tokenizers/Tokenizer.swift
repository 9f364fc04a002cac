/// Turns text into token ids and back, exactly as llama.cpp's `llama_tokenize` and
/// `llama_detokenize` do for the vocabulary's model (SentencePiece or byte-level BPE).
///
/// Text is taken as bytes: malformed UTF-8 is handled as llama.cpp handles it (SentencePiece
/// falls back to byte tokens; byte-level BPE reads each bad byte as U+FFFD).
/// A `Tokenizer` holds scratch buffers; use one per thread.
public struct Tokenizer {
    public let vocabulary: Vocabulary
    private var sentencePiece: SentencePieceEncoder?
    private var bytePair: BytePairEncoder?
    /// Special-token matchers without and with control tokens, built on first use.
    private var plainSplitter: SpecialTokenSplitter?
    private var specialSplitter: SpecialTokenSplitter?

    /// A tokenizer for `vocabulary`.
    public init(vocabulary: Vocabulary) {
        self.vocabulary = vocabulary
        switch vocabulary.model {
        case .sentencePiece: sentencePiece = SentencePieceEncoder(vocabulary: vocabulary)
        case .bytePair: bytePair = BytePairEncoder(vocabulary: vocabulary)
        }
    }

    /// The token ids of `text`. With `addSpecial`, BOS is put first when the vocabulary adds
    /// BOS and EOS last when it adds EOS (as `llama_tokenize(add_special: true)`). With
    /// `parseSpecial`, control tokens written in the text (`<start_of_turn>`) become their token;
    /// without it (the default, as in llama-imatrix) they are plain text. User-defined tokens
    /// are matched either way.
    public mutating func encode(_ text: [UInt8], addSpecial: Bool = false, parseSpecial: Bool = false) -> [Int32] {
        text.withUnsafeBufferPointer { encode($0, addSpecial: addSpecial, parseSpecial: parseSpecial) }
    }

    /// The token ids of `text` (see `encode(_:addSpecial:parseSpecial:)` for bytes).
    public mutating func encode(_ text: String, addSpecial: Bool = false, parseSpecial: Bool = false) -> [Int32] {
        encode(Array(text.utf8), addSpecial: addSpecial, parseSpecial: parseSpecial)
    }

    /// The token ids of the bytes in `text`.
    public mutating func encode(_ text: UnsafeBufferPointer<UInt8>, addSpecial: Bool = false, parseSpecial: Bool = false) -> [Int32] {
        var output: [Int32] = []
        output.reserveCapacity(text.count / 3 + 2)
        if addSpecial && vocabulary.addBOS, let bos = vocabulary.special.beginOfSequence { output.append(bos) }
        let fragments = specialTokenSplitter(parseSpecial: parseSpecial).split(text)
        switch vocabulary.model {
        case .sentencePiece:
            encodeSentencePiece(text, fragments, into: &output)
        case .bytePair:
            for fragment in fragments {
                switch fragment {
                case .token(let id): output.append(id)
                case .text(let range): bytePair!.encode(UnsafeBufferPointer(rebasing: text[range]), into: &output)
                }
            }
        }
        if addSpecial && vocabulary.addEOS, let eos = vocabulary.special.endOfSequence { output.append(eos) }
        return output
    }

    private mutating func specialTokenSplitter(parseSpecial: Bool) -> SpecialTokenSplitter {
        if parseSpecial {
            if specialSplitter == nil { specialSplitter = SpecialTokenSplitter(vocabulary: vocabulary, parseSpecial: true) }
            return specialSplitter!
        }
        if plainSplitter == nil { plainSplitter = SpecialTokenSplitter(vocabulary: vocabulary, parseSpecial: false) }
        return plainSplitter!
    }

    /// SentencePiece: a space before text that starts the input or follows a special token
    /// (when the vocabulary adds a space prefix), and every space escaped as ▁.
    private mutating func encodeSentencePiece(_ text: UnsafeBufferPointer<UInt8>, _ fragments: [TextFragment], into output: inout [Int32]) {
        var previousWasSpecial = true
        var escaped: [UInt8] = []
        for fragment in fragments {
            switch fragment {
            case .token(let id):
                output.append(id)
                previousWasSpecial = true
            case .text(let range):
                escaped.removeAll(keepingCapacity: true)
                escaped.reserveCapacity(range.count * 2 + 3)
                if vocabulary.addSpacePrefix && previousWasSpecial { escaped.append(contentsOf: Self.escapedSpace) }
                for byte in text[range] {
                    if byte == 0x20 { escaped.append(contentsOf: Self.escapedSpace) } else { escaped.append(byte) }
                }
                escaped.withUnsafeBufferPointer { sentencePiece!.encode($0, into: &output) }
                previousWasSpecial = false
            }
        }
    }

    /// U+2581 LOWER ONE EIGHTH BLOCK, SentencePiece's visible space.
    static let escapedSpace: [UInt8] = [0xE2, 0x96, 0x81]
}
