/// A candidate merge of two adjacent symbols of a `SymbolChain`: the smallest `key` comes out
/// of the heap first, ties leftmost first. `size` is the merged length, which tells a stale
/// candidate (one of its symbols has changed since) from a live one.
struct Bigram<Key: Comparable>: HeapOrdered {
    var key: Key
    var left: Int32
    var right: Int32
    var size: Int32

    @inline(__always)
    static func precedes(_ a: Bigram, _ b: Bigram) -> Bool {
        a.key < b.key || (a.key == b.key && a.left < b.left)
    }
}
