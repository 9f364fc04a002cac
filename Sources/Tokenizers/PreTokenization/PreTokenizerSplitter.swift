/// Runs a pre-tokenizer's passes over a text's code points and returns the word boundaries.
///
/// Each pass scans every piece of the previous pass from left to right: at each position it
/// tries its rule; a match becomes a piece and scanning resumes after it, and the unmatched
/// code points between matches become a piece too — the way llama.cpp's regex splitting keeps
/// the text between matches.
struct PreTokenizerSplitter {
    let passes: [SplitRule]

    init(_ preTokenizer: PreTokenizer) { passes = preTokenizer.passes }

    /// Boundaries of the words of `text` (`count` code points): ascending offsets starting
    /// with 0 and ending with `count`; word i spans `boundaries[i]..<boundaries[i+1]`.
    func split(_ text: ScalarText, count: Int) -> [Int] {
        var boundaries = [0, count]
        guard count > 0 else { return [0] }
        var next: [Int] = []
        for rule in passes {
            next.removeAll(keepingCapacity: true)
            next.append(0)
            for piece in 0..<(boundaries.count - 1) {
                let start = boundaries[piece], end = boundaries[piece + 1]
                var position = start
                while position < end {
                    let length = rule.match(text, at: position, end: end)
                    if length > 0 {
                        if next.last! != position { next.append(position) }
                        position += length
                        next.append(position)
                    } else {
                        position += 1
                    }
                }
                if next.last! != end { next.append(end) }
            }
            swap(&boundaries, &next)
        }
        return boundaries
    }
}

extension PreTokenizerSplitter {
    /// Decodes `text` as llama.cpp does (each bad byte as U+FFFD) into `scalars`, classifies
    /// them into `classes` (both reusable buffers, replaced), and returns the word boundaries.
    func split(_ text: UnsafeBufferPointer<UInt8>, scalars: inout [UInt32], classes: inout [ScalarClass]) -> [Int] {
        scalars.removeAll(keepingCapacity: true)
        LenientUTF8.decode(text, into: &scalars)
        classes.removeAll(keepingCapacity: true)
        classes.reserveCapacity(scalars.count)
        for scalar in scalars { classes.append(ScalarClass.of(scalar)) }
        guard !scalars.isEmpty else { return [0] }
        return scalars.withUnsafeBufferPointer { s in
            classes.withUnsafeBufferPointer { c in
                split(ScalarText(scalars: s.baseAddress!, classes: c.baseAddress!), count: s.count)
            }
        }
    }

    /// Replaces `bytes` with the UTF-8 encoding of word `index` of a split.
    static func word(_ index: Int, boundaries: [Int], scalars: [UInt32], into bytes: inout [UInt8]) {
        bytes.removeAll(keepingCapacity: true)
        for k in boundaries[index]..<boundaries[index + 1] { LenientUTF8.encode(scalars[k], into: &bytes) }
    }
}

extension PreTokenizer {
    /// The words `text` is split into before merging (UTF-8 bytes; malformed input read as
    /// llama.cpp reads it, each bad byte as U+FFFD).
    public func words(in text: [UInt8]) -> [[UInt8]] {
        var scalars: [UInt32] = [], classes: [ScalarClass] = []
        let boundaries = text.withUnsafeBufferPointer {
            PreTokenizerSplitter(self).split($0, scalars: &scalars, classes: &classes)
        }
        return (0..<(boundaries.count - 1)).map { index in
            var bytes: [UInt8] = []
            PreTokenizerSplitter.word(index, boundaries: boundaries, scalars: scalars, into: &bytes)
            return bytes
        }
    }
}
