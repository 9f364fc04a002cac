/// Finds control, user-defined and unknown tokens written literally in the text, as llama.cpp
/// does before running the model's algorithm: tokens are taken longest first; each one splits
/// every remaining text fragment at its leftmost non-overlapping occurrences, and shorter
/// tokens only see what is left. User-defined tokens are always matched; control and unknown
/// tokens only when special tokens are parsed. Tokens marked left/right-strip swallow the
/// whitespace before/after them.
struct SpecialTokenSplitter {
    private let vocabulary: Vocabulary
    /// Candidate tokens by their first byte, in priority order (priority = position in the
    /// vocabulary's longest-first list).
    private let candidatesByFirstByte: [[(id: Int32, priority: Int)]]

    init(vocabulary: Vocabulary, parseSpecial: Bool) {
        self.vocabulary = vocabulary
        var buckets = [[(id: Int32, priority: Int)]](repeating: [], count: 256)
        for (priority, id) in vocabulary.verbatimTokens.enumerated() {
            let attributes = vocabulary.attributes(of: id)
            if !parseSpecial && !attributes.isDisjoint(with: [.control, .unknown]) { continue }
            buckets[Int(vocabulary.tokens.bytes(of: Int(id))[0])].append((id, priority))
        }
        candidatesByFirstByte = buckets
    }

    /// The fragments of `text`, in order.
    func split(_ text: UnsafeBufferPointer<UInt8>) -> [TextFragment] {
        guard text.count > 0 else { return [] }
        let occurrences = findOccurrences(text)
        var fragments: [TextFragment] = []
        if occurrences.isEmpty { return [.text(0..<text.count)] }
        refine(text, 0..<text.count, minimumPriority: 0, occurrences: occurrences[...], into: &fragments)
        return fragments
    }

    /// One literal occurrence: where it starts and which token (by priority, lower first).
    private struct Occurrence {
        var start: Int
        var end: Int
        var priority: Int
        var token: Int32
    }

    private func findOccurrences(_ text: UnsafeBufferPointer<UInt8>) -> [Occurrence] {
        var found: [Occurrence] = []
        let base = text.baseAddress!
        for position in 0..<text.count {
            let candidates = candidatesByFirstByte[Int(base[position])]
            if candidates.isEmpty { continue }
            for (id, priority) in candidates {
                let token = vocabulary.tokens.bytes(of: Int(id))
                let length = token.count
                if position + length > text.count { continue }
                var same = true
                var k = 1
                while k < length {
                    if base[position + k] != token[k] { same = false; break }
                    k += 1
                }
                if same {
                    found.append(Occurrence(start: position, end: position + length, priority: priority, token: id))
                }
            }
        }
        return found
    }

    /// Splits `range` by the highest-priority token occurring inside it, then each remaining
    /// piece by the lower-priority tokens. `occurrences` holds, in start order, every
    /// occurrence that starts inside `range`.
    private func refine(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, minimumPriority: Int,
                        occurrences: ArraySlice<Occurrence>, into fragments: inout [TextFragment]) {
        var best = Int.max
        for occurrence in occurrences where occurrence.end <= range.upperBound
            && occurrence.priority >= minimumPriority && occurrence.priority < best {
            best = occurrence.priority
        }
        if best == Int.max {
            if !range.isEmpty { fragments.append(.text(range)) }
            return
        }
        var cursor = range.lowerBound
        var pieceFirst = occurrences.startIndex   // first occurrence that may lie in the current piece
        for index in occurrences.indices {
            let occurrence = occurrences[index]
            guard occurrence.priority == best, occurrence.start >= cursor, occurrence.end <= range.upperBound else { continue }
            let attributes = vocabulary.attributes(of: occurrence.token)
            var leftEnd = occurrence.start
            if attributes.contains(.leftStrip) {
                while leftEnd > cursor && Self.isSpace(text[leftEnd - 1]) { leftEnd -= 1 }
            }
            let piece = Self.slice(occurrences, from: pieceFirst, starting: cursor, before: leftEnd)
            refine(text, cursor..<leftEnd, minimumPriority: best + 1, occurrences: piece, into: &fragments)
            fragments.append(.token(occurrence.token))
            cursor = occurrence.end
            if attributes.contains(.rightStrip) {
                while cursor < range.upperBound && Self.isSpace(text[cursor]) { cursor += 1 }
            }
            pieceFirst = index + 1
        }
        let rest = Self.slice(occurrences, from: pieceFirst, starting: cursor, before: range.upperBound)
        refine(text, cursor..<range.upperBound, minimumPriority: best + 1, occurrences: rest, into: &fragments)
    }

    /// The occurrences from index `first` on that start in `lower..<upper`.
    private static func slice(_ occurrences: ArraySlice<Occurrence>, from first: Int, starting lower: Int, before upper: Int) -> ArraySlice<Occurrence> {
        var low = first
        while low < occurrences.endIndex && occurrences[low].start < lower { low += 1 }
        var high = low
        while high < occurrences.endIndex && occurrences[high].start < upper { high += 1 }
        return occurrences[low..<high]
    }

    /// C's `isspace` in the "C" locale.
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }
}
