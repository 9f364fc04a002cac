/// A text being merged: a doubly linked chain of adjacent byte ranges ("symbols"), each
/// starting as one character. Merging appends the right symbol to the left one and unlinks
/// the right one (its length becomes 0).
struct SymbolChain {
    var start: [Int32] = []
    var length: [Int32] = []
    var previous: [Int32] = []
    var next: [Int32] = []

    var count: Int { start.count }

    mutating func reset() {
        start.removeAll(keepingCapacity: true)
        length.removeAll(keepingCapacity: true)
        previous.removeAll(keepingCapacity: true)
        next.removeAll(keepingCapacity: true)
    }

    /// Appends a symbol covering `count` bytes at `offset`, linked after the previous one.
    mutating func append(offset: Int, count: Int) {
        let index = Int32(start.count)
        start.append(Int32(offset))
        length.append(Int32(count))
        previous.append(index - 1)
        next.append(index + 1)
    }

    /// Ends the chain: the last symbol has no successor.
    mutating func close() {
        if !next.isEmpty { next[next.count - 1] = -1 }
    }

    /// Merges the candidate's two symbols when it is still current (neither symbol has been
    /// merged away or grown since it was queued); returns whether it merged.
    mutating func mergeIfCurrent<Key>(_ bigram: Bigram<Key>) -> Bool {
        let left = Int(bigram.left), right = Int(bigram.right)
        let leftLength = length[left], rightLength = length[right]
        if leftLength == 0 || rightLength == 0 || leftLength + rightLength != bigram.size { return false }
        merge(left, right)
        return true
    }

    /// Merges symbol `right` into its left neighbour `left`.
    mutating func merge(_ left: Int, _ right: Int) {
        length[left] += length[right]
        length[right] = 0
        let after = next[right]
        next[left] = after
        if after >= 0 { previous[Int(after)] = Int32(left) }
    }
}
