/// SentencePiece encoding as llama.cpp does it for `llama` vocabularies: the text (spaces
/// already escaped to ▁) starts as one symbol per UTF-8 character; repeatedly the adjacent
/// pair whose concatenation is the highest-scoring token is merged (ties: leftmost first);
/// a final symbol that is not a token is emitted as byte-fallback tokens `<0xNN>`.
struct SentencePieceEncoder {
    let vocabulary: Vocabulary
    private var chain = SymbolChain()
    /// Candidate merges keyed by the negated score, so the highest score comes out first.
    private var queue = BinaryHeap<Bigram<Float>>()

    init(vocabulary: Vocabulary) { self.vocabulary = vocabulary }

    /// Appends the tokens of `text` to `output`.
    mutating func encode(_ text: UnsafeBufferPointer<UInt8>, into output: inout [Int32]) {
        guard let base = text.baseAddress, text.count > 0 else { return }
        chain.reset()
        queue.removeAll()
        var offset = 0
        while offset < text.count {
            let length = min(text.count - offset, Self.utf8Length(base[offset]))
            chain.append(offset: offset, count: length)
            offset += length
        }
        chain.close()
        for right in 1..<max(chain.count, 1) { addBigram(base, left: right - 1, right: right) }

        while let bigram = queue.pop() {
            guard chain.mergeIfCurrent(bigram) else { continue }
            let left = Int(bigram.left)
            addBigram(base, left: Int(chain.previous[left]), right: left)
            addBigram(base, left: left, right: Int(chain.next[left]))
        }

        var index = 0
        while index != -1 {
            let start = Int(chain.start[index]), length = Int(chain.length[index])
            let id = vocabulary.tokens.id(base + start, count: length)
            if id >= 0 {
                output.append(id)
            } else {
                for k in start..<(start + length) {
                    let byteToken = vocabulary.byteTokens[Int(base[k])]
                    if byteToken >= 0 {
                        output.append(byteToken)
                    } else if let unknown = vocabulary.special.unknown {
                        output.append(unknown)
                    }
                }
            }
            index = Int(chain.next[index])
        }
    }

    private mutating func addBigram(_ base: UnsafePointer<UInt8>, left: Int, right: Int) {
        if left < 0 || right < 0 { return }
        let start = Int(chain.start[left])
        let size = Int(chain.length[left] + chain.length[right])
        let id = vocabulary.tokens.id(base + start, count: size)
        if id < 0 { return }
        queue.push(Bigram(key: -vocabulary.scores[Int(id)], left: Int32(left), right: Int32(right), size: Int32(size)))
    }

    /// The length of the UTF-8 sequence a byte starts, by its high nibble (1 for continuation
    /// bytes, so malformed text still advances).
    @inline(__always)
    static func utf8Length(_ byte: UInt8) -> Int {
        switch byte >> 4 {
        case 0xC, 0xD: 2
        case 0xE: 3
        case 0xF: 4
        default: 1
        }
    }
}
