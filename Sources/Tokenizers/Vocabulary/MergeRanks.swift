/// The rank of each BPE merge, by the token ids of its two halves: the position of the merge
/// in `tokenizer.ggml.merges`, lower merging first. When a pair is listed twice the first
/// listing counts, as in llama.cpp.
public final class MergeRanks: @unchecked Sendable {
    /// Number of distinct merges.
    public private(set) var count = 0
    private let keys: UnsafeMutableBufferPointer<UInt64>
    private let ranks: UnsafeMutableBufferPointer<Int32>
    private let slotMask: Int
    private static let emptyKey = UInt64.max

    /// An empty table with room for `capacity` merges.
    init(capacity: Int) {
        var slotCount = 16
        while slotCount < capacity * 2 { slotCount <<= 1 }
        keys = .allocate(capacity: slotCount)
        keys.initialize(repeating: Self.emptyKey)
        ranks = .allocate(capacity: slotCount)
        ranks.initialize(repeating: -1)
        slotMask = slotCount - 1
    }

    deinit {
        keys.deallocate()
        ranks.deallocate()
    }

    /// Records `rank` for the pair unless the pair already has one.
    func insert(left: Int32, right: Int32, rank: Int32) {
        let key = Self.key(left, right)
        var slot = Self.slot(key) & slotMask
        while keys[slot] != Self.emptyKey {
            if keys[slot] == key { return }
            slot = (slot &+ 1) & slotMask
        }
        keys[slot] = key
        ranks[slot] = rank
        count += 1
    }

    /// The rank of merging `left` with `right`, or -1 when they do not merge.
    @inline(__always)
    public func rank(left: Int32, right: Int32) -> Int32 {
        let key = Self.key(left, right)
        var slot = Self.slot(key) & slotMask
        while true {
            let stored = keys[slot]
            if stored == key { return ranks[slot] }
            if stored == Self.emptyKey { return -1 }
            slot = (slot &+ 1) & slotMask
        }
    }

    @inline(__always)
    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    private static func slot(_ key: UInt64) -> Int {
        var h = key &* 0x9e37_79b9_7f4a_7c15
        h ^= h >> 29
        return Int(truncatingIfNeeded: h)
    }
}
