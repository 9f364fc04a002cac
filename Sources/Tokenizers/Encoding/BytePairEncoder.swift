/// Byte-level BPE encoding as llama.cpp does it for `gpt2` vocabularies: the text is split
/// into words by the vocabulary's pre-tokenizer; each word's UTF-8 bytes are spelled in the
/// byte-level alphabet and start as one symbol per byte; repeatedly the adjacent pair with the
/// lowest merge rank is merged (ties: leftmost first). With `ignoreMerges` (Llama 3) a word
/// that is a token is taken whole.
struct BytePairEncoder {
    let vocabulary: Vocabulary
    private let merges: MergeRanks
    private let splitter: PreTokenizerSplitter
    private var chain = SymbolChain()
    private var symbolIDs: [Int32] = []
    private var word: [UInt8] = []
    /// The UTF-8 bytes of the word being encoded, before spelling.
    private var raw: [UInt8] = []
    private var scalars: [UInt32] = []
    private var classes: [ScalarClass] = []
    /// Candidate merges keyed by merge rank.
    private var queue = BinaryHeap<Bigram<Int32>>()

    init(vocabulary: Vocabulary) {
        self.vocabulary = vocabulary
        merges = vocabulary.merges ?? MergeRanks(capacity: 0)
        splitter = PreTokenizerSplitter(vocabulary.preTokenizer)
    }

    /// Appends the tokens of `text` to `output`.
    mutating func encode(_ text: UnsafeBufferPointer<UInt8>, into output: inout [Int32]) {
        let boundaries = splitter.split(text, scalars: &scalars, classes: &classes)
        for index in 0..<(boundaries.count - 1) {
            PreTokenizerSplitter.word(index, boundaries: boundaries, scalars: scalars, into: &raw)
            encodeWord(raw, into: &output)
        }
    }

    /// Spells one pre-tokenized word in the byte-level alphabet and merges it.
    private mutating func encodeWord(_ raw: [UInt8], into output: inout [Int32]) {
        word.removeAll(keepingCapacity: true)
        chain.reset()
        symbolIDs.removeAll(keepingCapacity: true)
        for byte in raw {
            let spelled = ByteLevelAlphabet.encodedByte[Int(byte)]
            chain.append(offset: word.count, count: spelled.count)
            word.append(contentsOf: spelled)
        }
        chain.close()
        word.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            if vocabulary.ignoreMerges {
                let whole = vocabulary.tokens.id(base, count: buffer.count)
                if whole >= 0 { output.append(whole); return }
            }
            for index in 0..<chain.count {
                symbolIDs.append(vocabulary.tokens.id(base + Int(chain.start[index]), count: Int(chain.length[index])))
            }
            queue.removeAll()
            for right in 1..<max(chain.count, 1) { addBigram(left: right - 1, right: right) }
            while let bigram = queue.pop() {
                guard chain.mergeIfCurrent(bigram) else { continue }
                let left = Int(bigram.left)
                symbolIDs[left] = vocabulary.tokens.id(base + Int(chain.start[left]), count: Int(chain.length[left]))
                addBigram(left: Int(chain.previous[left]), right: left)
                addBigram(left: left, right: Int(chain.next[left]))
            }
            var index = 0
            while index != -1 {
                let id = symbolIDs[index]
                if id >= 0 {
                    output.append(id)
                } else {
                    // Not a token: each byte of its spelling, where that byte alone is a token.
                    let start = Int(chain.start[index])
                    for k in start..<(start + Int(chain.length[index])) {
                        let single = vocabulary.tokens.id(base + k, count: 1)
                        if single >= 0 { output.append(single) }
                    }
                }
                index = Int(chain.next[index])
            }
        }
    }

    private mutating func addBigram(left: Int, right: Int) {
        if left < 0 || right < 0 { return }
        let leftID = symbolIDs[left], rightID = symbolIDs[right]
        if leftID < 0 || rightID < 0 { return }
        let rank = merges.rank(left: leftID, right: rightID)
        if rank < 0 { return }
        queue.push(Bigram(key: rank, left: Int32(left), right: Int32(right), size: chain.length[left] + chain.length[right]))
    }
}
