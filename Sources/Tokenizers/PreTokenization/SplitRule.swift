/// One splitting pass of a pre-tokenizer: a hand-written scanner equivalent to one of the
/// regular expressions llama.cpp applies (quoted on each case). `match` returns the length of
/// the match starting exactly at `position` (0 when the expression does not match there),
/// following the regex's leftmost-alternative, greedy-with-backtracking semantics, never
/// looking past `end` (the end of the piece being split).
enum SplitRule: Sendable {
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)` (GPT-2).
    case gpt2
    /// `(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?W+|\p{N}{1,D}
    /// | ?[^\s\p{L}\p{N}…]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+` where W is `\p{L}` (Llama 3, Qwen 2)
    /// or `[\p{L}\p{M}]` (Qwen 3.5, which also keeps marks out of the punctuation run) and D
    /// is the longest digit group.
    case llama3Family(maxDigits: Int, marksInWords: Bool)
    /// llama.cpp's GPT-4o rules (o200k: gpt-oss, Llama 4), with U = `(?=[\p{L}])([^a-z])` (a
    /// letter other than a–z) and L = `(?=[\p{L}])([^A-Z])` (a letter other than A–Z):
    /// `[^\r\n\p{L}\p{N}]?U*L+C?|[^\r\n\p{L}\p{N}]?U+L*C?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*
    /// |\s*[\r\n]+|\s+(?!\S)|\s+`, C the case-insensitive contractions `'s 't 're 've 'm 'll 'd`.
    case gpt4o
    /// DeepSeek-V3's words: ``[!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+
    /// | ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+``.
    case deepseekV3Words
    /// Kimi-K2's rules as llama.cpp's hand-written splitter applies them (not its published
    /// expression, which also splits by letter case): a Han run; an optional non-letter, non-number
    /// character (not CR/LF) and a run of letters other than Han, with a case-insensitive
    /// contraction; numbers in threes; ` ?` and a run of non-space, non-letter, non-number
    /// characters and line breaks; then the whitespace rules of Llama 3.
    case kimiK2
    /// `\p{N}{1,N}` — numbers in groups of at most `N`.
    case numberGroups(Int)
    /// `\p{N}` — every number alone.
    case singleNumber
    /// `\p{N}+`.
    case numberRun
    /// `[0-9][0-9][0-9]`.
    case asciiDigitTriple
    /// `[\p{P}\$\+<=>\^~\|]+`, and with `backtick` also `` ` `` (Falcon).
    case punctuationRun(backtick: Bool)
    /// `[\r\n]` — each line break alone.
    case lineBreak
    /// `\s?\p{L}+`.
    case spaceThenLetters
    /// `\s?\p{P}+`.
    case spaceThenPunctuation
    /// `\s?[ranges]+` over explicit code point ranges.
    case spaceThenRanges([ClosedRange<UInt32>])
    /// `[ranges]+` over explicit code point ranges.
    case rangeRun([ClosedRange<UInt32>])
    /// `\s+$` — the whitespace that ends the piece.
    case trailingWhitespace

    @inline(__always)
    func match(_ text: ScalarText, at position: Int, end: Int) -> Int {
        switch self {
        case .gpt2:
            return Self.matchGPT2(text, position, end)
        case .llama3Family(let maxDigits, let marksInWords):
            return Self.matchLlama3Family(text, position, end, maxDigits: maxDigits, marksInWords: marksInWords)
        case .gpt4o:
            return Self.matchGPT4o(text, position, end)
        case .deepseekV3Words:
            return Self.matchDeepseekV3Words(text, position, end)
        case .kimiK2:
            return Self.matchKimiK2(text, position, end)
        case .numberGroups(let size):
            return min(size, text.run(from: position, to: end) { text.isNumber($0) })
        case .singleNumber:
            return text.isNumber(position) ? 1 : 0
        case .numberRun:
            return text.run(from: position, to: end) { text.isNumber($0) }
        case .asciiDigitTriple:
            guard position + 3 <= end else { return 0 }
            for i in position..<(position + 3) where !(0x30...0x39).contains(text.scalar(i)) { return 0 }
            return 3
        case .punctuationRun(let backtick):
            return text.run(from: position, to: end) { i in
                if text.classOf(i).contains(.punctuation) { return true }
                switch text.scalar(i) {
                case 0x24, 0x2B, 0x3C, 0x3D, 0x3E, 0x5E, 0x7E, 0x7C: return true   // $ + < = > ^ ~ |
                case 0x60: return backtick
                default: return false
                }
            }
        case .lineBreak:
            return text.isLineBreak(position) ? 1 : 0
        case .spaceThenLetters:
            return Self.optionalSpaceThenRun(text, position, end) { text.isLetter($0) }
        case .spaceThenPunctuation:
            return Self.optionalSpaceThenRun(text, position, end) { text.classOf($0).contains(.punctuation) }
        case .spaceThenRanges(let ranges):
            return Self.optionalSpaceThenRun(text, position, end) { Self.contains(ranges, text.scalar($0)) }
        case .rangeRun(let ranges):
            return text.run(from: position, to: end) { Self.contains(ranges, text.scalar($0)) }
        case .trailingWhitespace:
            let length = text.run(from: position, to: end) { text.isWhitespace($0) }
            return position + length == end ? length : 0
        }
    }

    @inline(__always)
    private static func contains(_ ranges: [ClosedRange<UInt32>], _ value: UInt32) -> Bool {
        for range in ranges where range.contains(value) { return true }
        return false
    }

    /// `\s?X+`: a whitespace then a run, or (backtracking) the run alone.
    @inline(__always)
    private static func optionalSpaceThenRun(_ text: ScalarText, _ position: Int, _ end: Int, _ test: (Int) -> Bool) -> Int {
        if text.isWhitespace(position), position + 1 < end, test(position + 1) {
            return 1 + text.run(from: position + 1, to: end, while: test)
        }
        return text.run(from: position, to: end, while: test)
    }

    /// `'s|'t|'re|'ve|'m|'ll|'d` with `caseInsensitive` ASCII letters.
    @inline(__always)
    private static func contraction(_ text: ScalarText, _ position: Int, _ end: Int, caseInsensitive: Bool) -> Int {
        guard text.scalar(position) == 0x27, position + 1 < end else { return 0 }
        func letter(_ i: Int) -> UInt32 {
            let c = text.scalar(i)
            return caseInsensitive && (0x41...0x5A).contains(c) ? c + 0x20 : c
        }
        let first = letter(position + 1)
        switch first {
        case 0x73, 0x74, 0x6D, 0x64: return 2                       // s t m d
        default: break
        }
        guard position + 2 < end else { return 0 }
        let second = letter(position + 2)
        switch (first, second) {
        case (0x72, 0x65), (0x76, 0x65), (0x6C, 0x6C): return 3     // re ve ll
        default: return 0
        }
    }

    /// ` ?X+T*`: an optional space (0x20) before a run of `run`, then a run of `trailing`; 0 when
    /// no run of `run` starts at `position` (or just after its space).
    @inline(__always)
    static func spaceThenRun(_ text: ScalarText, _ position: Int, _ end: Int, run: (Int) -> Bool,
                             trailing: (Int) -> Bool) -> Int {
        let start = text.scalar(position) == 0x20 && position + 1 < end && run(position + 1) ? position + 1 : position
        guard run(start) else { return 0 }
        var i = start + text.run(from: start, to: end, while: run)
        i += text.run(from: i, to: end, while: trailing)
        return i - position
    }

    /// `\s*[\r\n]+|\s+(?!\S)|\s+`: the whitespace up to and including its last line break, else
    /// ``whitespaceRun(_:_:_:)``; 0 when no whitespace starts at `position`.
    @inline(__always)
    static func lineBreaksOrWhitespace(_ text: ScalarText, _ position: Int, _ end: Int) -> Int {
        let spaces = text.run(from: position, to: end) { text.isWhitespace($0) }
        var lastBreak = -1
        for i in position..<(position + spaces) where text.isLineBreak(i) { lastBreak = i }
        if lastBreak >= 0 { return lastBreak + 1 - position }
        return whitespaceRun(text, position, end)
    }

    /// Whitespace alternatives shared by the GPT-2 and Llama 3 families: `\s+(?!\S)`, then the
    /// single whitespace that precedes a non-space (which the regex leaves unmatched, a piece
    /// of its own either way).
    @inline(__always)
    private static func whitespaceRun(_ text: ScalarText, _ position: Int, _ end: Int) -> Int {
        let length = text.run(from: position, to: end) { text.isWhitespace($0) }
        if length > 1 && position + length < end { return length - 1 }
        return length
    }

    private static func matchGPT2(_ text: ScalarText, _ position: Int, _ end: Int) -> Int {
        let apostrophe = contraction(text, position, end, caseInsensitive: false)
        if apostrophe > 0 { return apostrophe }
        // ` ?X+` for letters, numbers, and anything else that is not whitespace.
        let start = text.scalar(position) == 0x20 && position + 1 < end ? position + 1 : position
        let head = text.classOf(start)
        if head.contains(.letter) {
            return start - position + text.run(from: start, to: end) { text.isLetter($0) }
        }
        if head.contains(.number) {
            return start - position + text.run(from: start, to: end) { text.isNumber($0) }
        }
        let isOther: (Int) -> Bool = { !text.classOf($0).containsAny([.whitespace, .letter, .number]) }
        if isOther(start) {
            return start - position + text.run(from: start, to: end, while: isOther)
        }
        return whitespaceRun(text, position, end)
    }

    private static func matchLlama3Family(_ text: ScalarText, _ position: Int, _ end: Int, maxDigits: Int, marksInWords: Bool) -> Int {
        let apostrophe = contraction(text, position, end, caseInsensitive: true)
        if apostrophe > 0 { return apostrophe }
        let wordClass: ScalarClass = marksInWords ? [.letter, .mark] : .letter
        let isWord: (Int) -> Bool = { text.classOf($0).containsAny(wordClass) }
        let first = text.classOf(position)
        // [^\r\n\p{L}\p{N}]?W+
        if !text.isLineBreak(position) && !first.contains(.number) {
            if first.contains(.letter) {
                return text.run(from: position, to: end, while: isWord)
            }
            if position + 1 < end && isWord(position + 1) {
                return 1 + text.run(from: position + 1, to: end, while: isWord)
            }
            if isWord(position) {   // a leading mark with nothing after it to prefix
                return text.run(from: position, to: end, while: isWord)
            }
        }
        // \p{N}{1,D}
        if first.contains(.number) {
            return min(maxDigits, text.run(from: position, to: end) { text.isNumber($0) })
        }
        // ` ?[^\s\p{L}\p{N}]+[\r\n]*` (marks excluded too when they belong to words)
        let excluded: ScalarClass = marksInWords ? [.whitespace, .letter, .number, .mark] : [.whitespace, .letter, .number]
        let other = spaceThenRun(text, position, end, run: { !text.classOf($0).containsAny(excluded) },
                                 trailing: { text.isLineBreak($0) })
        if other > 0 { return other }
        return lineBreaksOrWhitespace(text, position, end)
    }
}

extension SplitRule {
    /// See ``SplitRule/gpt4o``. Non-ASCII letters are both U and L, so the greedy U* of the
    /// first alternative gives back letters until an L follows (backtracking), and a run of
    /// capitals only falls to the second alternative.
    fileprivate static func matchGPT4o(_ text: ScalarText, _ position: Int, _ end: Int) -> Int {
        let isUpperish: (Int) -> Bool = { text.isLetter($0) && !(0x61...0x7A).contains(text.scalar($0)) }
        let isLowerish: (Int) -> Bool = { text.isLetter($0) && !(0x41...0x5A).contains(text.scalar($0)) }
        let first = text.classOf(position)
        let prefixed = !text.isLineBreak(position) && !first.containsAny([.letter, .number]) && position + 1 < end
        let starts = prefixed ? [position + 1, position] : [position]
        // U*L+C?, then U+L*C?, each trying the one-character prefix first.
        for start in starts {
            let upper = text.run(from: start, to: end, while: isUpperish)
            for split in stride(from: upper, through: 0, by: -1) where start + split < end && isLowerish(start + split) {
                let stop = start + split + text.run(from: start + split, to: end, while: isLowerish)
                return stop - position + contraction(text, stop, end, caseInsensitive: true)
            }
        }
        for start in starts {
            let upper = text.run(from: start, to: end, while: isUpperish)
            guard upper > 0 else { continue }
            let stop = start + upper + text.run(from: start + upper, to: end, while: isLowerish)
            return stop - position + contraction(text, stop, end, caseInsensitive: true)
        }
        if first.contains(.number) {
            return min(3, text.run(from: position, to: end) { text.isNumber($0) })
        }
        // ` ?[^\s\p{L}\p{N}]+[\r\n/]*`
        let other = spaceThenRun(text, position, end, run: { !text.classOf($0).containsAny([.whitespace, .letter, .number]) },
                                 trailing: { text.isLineBreak($0) || text.scalar($0) == 0x2F })
        if other > 0 { return other }
        return lineBreaksOrWhitespace(text, position, end)
    }
}

extension SplitRule {
    /// See ``SplitRule/deepseekV3Words``.
    fileprivate static func matchDeepseekV3Words(_ text: ScalarText, _ position: Int, _ end: Int) -> Int {
        // [!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+ : one ASCII mark, then ASCII letters.
        let first = text.scalar(position)
        let asciiMark = (0x21...0x2F).contains(first) || (0x3A...0x40).contains(first)
            || (0x5B...0x60).contains(first) || (0x7B...0x7E).contains(first)
        let isASCIILetter: (Int) -> Bool = { (0x41...0x5A).contains(text.scalar($0)) || (0x61...0x7A).contains(text.scalar($0)) }
        if asciiMark, position + 1 < end, isASCIILetter(position + 1) {
            return 1 + text.run(from: position + 1, to: end, while: isASCIILetter)
        }
        // [^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+
        let isWord: (Int) -> Bool = { text.classOf($0).containsAny([.letter, .mark]) }
        let prefix = !text.isLineBreak(position) && !text.classOf(position).containsAny([.letter, .punctuation, .symbol])
        if prefix, position + 1 < end, isWord(position + 1) {
            return 1 + text.run(from: position + 1, to: end, while: isWord)
        }
        if isWord(position) { return text.run(from: position, to: end, while: isWord) }
        // ` ?[\p{P}\p{S}]+[\r\n]*`
        let marks = spaceThenRun(text, position, end, run: { text.classOf($0).containsAny([.punctuation, .symbol]) },
                                 trailing: { text.isLineBreak($0) })
        if marks > 0 { return marks }
        return lineBreaksOrWhitespace(text, position, end)
    }
}

extension SplitRule {
    /// Han ideographs as llama.cpp's `unicode_cpt_is_han` lists them (CJK Unified Ideographs and
    /// Extensions A–F, Compatibility Ideographs and their Supplement).
    static let hanRanges: [ClosedRange<UInt32>] = [0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
                                                   0x2B740...0x2B81F, 0x2B820...0x2CEAF, 0x2CEB0...0x2EBEF, 0xF900...0xFAFF,
                                                   0x2F800...0x2FA1F]

    /// See ``SplitRule/kimiK2``.
    fileprivate static func matchKimiK2(_ text: ScalarText, _ position: Int, _ end: Int) -> Int {
        let isHan: (Int) -> Bool = { contains(hanRanges, text.scalar($0)) }
        if isHan(position) { return text.run(from: position, to: end, while: isHan) }
        let isWord: (Int) -> Bool = { text.isLetter($0) && !isHan($0) }
        let first = text.classOf(position)
        let leading = !text.isLineBreak(position) && !first.containsAny([.letter, .number])
        if isWord(position) || (leading && position + 1 < end && isWord(position + 1)) {
            let start = leading ? position + 1 : position
            let stop = start + text.run(from: start, to: end, while: isWord)
            return stop - position + contraction(text, stop, end, caseInsensitive: true)
        }
        if first.contains(.number) {
            return min(3, text.run(from: position, to: end) { text.isNumber($0) })
        }
        // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
        let other = spaceThenRun(text, position, end, run: { !text.classOf($0).containsAny([.whitespace, .letter, .number]) },
                                 trailing: { text.isLineBreak($0) })
        if other > 0 { return other }
        let whitespace = lineBreaksOrWhitespace(text, position, end)
        return whitespace > 0 ? whitespace : 1   // llama.cpp's splitter takes any other character alone
    }
}

extension ScalarClass {
    @inline(__always)
    func containsAny(_ other: ScalarClass) -> Bool { rawValue & other.rawValue != 0 }
}
