/// The token texts of a vocabulary as raw bytes in one arena, with an open-addressing hash
/// index from text to id that looks up any byte range without allocating.
///
/// When two tokens have the same text the later id wins, as in llama.cpp's `token_to_id`.
public final class TokenTable: @unchecked Sendable {
    /// Number of tokens.
    public let count: Int
    private let arena: UnsafeMutableBufferPointer<UInt8>
    private let starts: UnsafeMutableBufferPointer<Int>
    /// Each slot: token id in the low 32 bits (or all ones when empty), the high 32 bits of
    /// the text's hash above it, so most mismatches are rejected without reading the arena.
    private let slots: UnsafeMutableBufferPointer<UInt64>
    private let slotMask: Int
    /// The longest token text, in bytes (longer lookups fail at once).
    private let longest: Int
    private static let empty = UInt64.max

    /// Builds the table from each token's bytes.
    public init(tokens: [[UInt8]]) {
        count = tokens.count
        let total = tokens.reduce(0) { $0 + $1.count }
        arena = .allocate(capacity: max(total, 1))
        starts = .allocate(capacity: tokens.count + 1)
        var offset = 0
        for (index, token) in tokens.enumerated() {
            starts[index] = offset
            for byte in token { arena[offset] = byte; offset += 1 }
        }
        starts[tokens.count] = offset
        longest = tokens.reduce(0) { max($0, $1.count) }
        var slotCount = 16
        while slotCount < tokens.count * 2 { slotCount <<= 1 }
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: Self.empty)
        slotMask = slotCount - 1
        for id in 0..<tokens.count { insert(Int32(id)) }
    }

    deinit {
        arena.deallocate()
        starts.deallocate()
        slots.deallocate()
    }

    /// The bytes of token `id`.
    @inline(__always)
    public func bytes(of id: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: arena[starts[id]..<starts[id + 1]])
    }

    /// The text of token `id`, with invalid UTF-8 repaired (for display).
    public func text(of id: Int) -> String {
        String(decoding: bytes(of: id), as: UTF8.self)
    }

    /// The id of the token whose text is exactly `count` bytes at `base`, or -1.
    @inline(__always)
    public func id(_ base: UnsafePointer<UInt8>, count length: Int) -> Int32 {
        if length > longest { return -1 }
        let hash = Self.hash(base, length)
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: hash) & slotMask
        while true {
            let entry = slots[slot]
            if entry == Self.empty { return -1 }
            if entry & 0xFFFF_FFFF_0000_0000 == tag {
                let candidate = Int32(truncatingIfNeeded: entry)
                if equals(Int(candidate), base, length) { return candidate }
            }
            slot = (slot &+ 1) & slotMask
        }
    }

    /// The id of the token whose text is `text`, or nil.
    public func id(of text: some Sequence<UInt8>) -> Int32? {
        let bytes = Array(text)
        let found = bytes.withUnsafeBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return emptyTokenID }
            return id(base, count: buffer.count)
        }
        return found >= 0 ? found : nil
    }

    private var emptyTokenID: Int32 {
        var sentinel: UInt8 = 0
        return withUnsafePointer(to: &sentinel) { id($0, count: 0) }
    }

    private func insert(_ id: Int32) {
        let start = starts[Int(id)], length = starts[Int(id) + 1] - start
        let base = UnsafePointer(arena.baseAddress! + start)
        let hash = Self.hash(base, length)
        let entry = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(UInt32(bitPattern: id))
        var slot = Int(truncatingIfNeeded: hash) & slotMask
        while true {
            let stored = slots[slot]
            if stored == Self.empty || (stored & 0xFFFF_FFFF_0000_0000 == entry & 0xFFFF_FFFF_0000_0000
                                        && equals(Int(Int32(truncatingIfNeeded: stored)), base, length)) {
                slots[slot] = entry
                return
            }
            slot = (slot &+ 1) & slotMask
        }
    }

    @inline(__always)
    private func equals(_ id: Int, _ base: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        let start = starts[id]
        guard starts[id + 1] - start == length else { return false }
        let stored = arena.baseAddress! + start
        var i = 0
        while i < length {
            if stored[i] != base[i] { return false }
            i &+= 1
        }
        return true
    }

    /// FNV-1a over the bytes, then a final avalanche so the low bits index well.
    @inline(__always)
    private static func hash(_ base: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var i = 0
        while i < length {
            h = (h ^ UInt64(base[i])) &* 0x0000_0100_0000_01b3
            i &+= 1
        }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }
}
