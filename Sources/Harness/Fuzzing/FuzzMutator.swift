import Kernels

/// Makes new inputs from old ones, deterministically from a seed (``SplitMix64``): bit flips,
/// random bytes, interesting integers (0, −1, 2³¹−1, 2⁶³, huge counts, NaN and infinity bit
/// patterns) over 1/2/4/8-byte fields — at random offsets or at the target's structure-aware
/// fields —, truncation, insertion, deletion and duplication of chunks, splicing with another
/// corpus input and dictionary words. Each input gets one to five stacked mutations.
public struct FuzzMutator {
    public var random: SplitMix64
    /// Inputs never grow beyond this many bytes.
    public let maximumLength: Int

    public init(seed: UInt64, maximumLength: Int) {
        random = SplitMix64(seed: seed)
        self.maximumLength = maximumLength
    }

    /// Integers that break readers: boundaries, sign flips, huge counts, float specials.
    static let interesting: [UInt64] = {
        var values: [UInt64] = [0, 1, 2, 3, 4, 7, 8, 16, 31, 32, 63, 64, 127, 128, 255, 256, 512, 1000, 1024, 4096,
                                65535, 65536, 0x7FFF, 0x8000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
                                1 << 28, 1 << 31, 1 << 32, 1 << 40, 1 << 62, 1 << 63, UInt64(Int64.max), UInt64.max,
                                UInt64.max - 1, UInt64(bitPattern: -2), UInt64(bitPattern: -256)]
        let floats: [Float] = [.nan, -.nan, .infinity, -.infinity, -1, -0.0, 0.5, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                               9.3e18, 9.223372e18, 1e19, 4.2949673e9, 2.1474836e9, 1e38, 16_777_216]
        values += floats.map { UInt64($0.bitPattern) }
        let doubles: [Double] = [.nan, .infinity, -.infinity, -1, 9.3e18, 1e308, .greatestFiniteMagnitude]
        values += doubles.map { $0.bitPattern }
        return values
    }()

    mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(random.next() % UInt64(bound)) }

    /// Replaces `input` by a mutation of itself. `fields` are `input`'s structure-aware
    /// fields (may be empty), `corpus` the inputs to splice from, `dictionary` words to insert.
    public mutating func mutate(_ input: inout [UInt8], fields: [FuzzField], corpus: [[UInt8]], dictionary: [[UInt8]]) {
        let count = 1 + below(5)
        for _ in 0..<count { mutateOnce(&input, fields: fields, corpus: corpus, dictionary: dictionary) }
        if input.count > maximumLength { input.removeLast(input.count - maximumLength) }
    }

    mutating func mutateOnce(_ input: inout [UInt8], fields: [FuzzField], corpus: [[UInt8]], dictionary: [[UInt8]]) {
        if input.isEmpty { input = [UInt8(truncatingIfNeeded: random.next())]; return }
        switch below(12) {
        case 0:
            input[below(input.count)] ^= 1 << UInt8(below(8))
        case 1:
            input[below(input.count)] = UInt8(truncatingIfNeeded: random.next())
        case 2, 3, 4:
            if let field = fields.isEmpty ? nil : fields[below(fields.count)] {
                writeInteger(&input, at: field.offset, width: field.width)
            } else {
                let width = [1, 2, 4, 8][below(4)]
                writeInteger(&input, at: below(input.count), width: width)
            }
        case 5:
            let width = [1, 2, 4, 8][below(4)]
            writeInteger(&input, at: below(input.count), width: width)
        case 6:
            input.removeLast(1 + below(input.count))
        case 7:
            let start = below(input.count), length = 1 + below(min(64, input.count - start))
            input.removeSubrange(start..<(start + length))
        case 8:
            let start = below(input.count), length = 1 + below(min(256, input.count - start))
            let chunk = Array(input[start..<(start + length)])
            let times = below(8) == 0 ? 1 + below(64) : 1
            guard input.count + chunk.count * times <= maximumLength else { return }
            let at = below(input.count + 1)
            input.insert(contentsOf: repeatElement(chunk, count: times).joined(), at: at)
        case 9:
            guard let other = corpus.isEmpty ? nil : corpus[below(corpus.count)], !other.isEmpty else { return }
            let cut = below(input.count + 1), from = below(other.count)
            input = Array(input[..<cut]) + other[from...]
        case 10:
            guard let word = dictionary.isEmpty ? nil : dictionary[below(dictionary.count)] else {
                input.insert(UInt8(truncatingIfNeeded: random.next()), at: below(input.count + 1))
                return
            }
            let at = below(input.count + 1)
            if below(2) == 0 || input.count - at < word.count {
                input.insert(contentsOf: word, at: at)
            } else {
                input.replaceSubrange(at..<(at + word.count), with: word)
            }
        default:
            let length = 1 + below(16), at = below(input.count + 1)
            input.insert(contentsOf: (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: at)
        }
    }

    /// Writes an interesting (or, sometimes, off-by-one) integer of `width` bytes at `offset`.
    mutating func writeInteger(_ input: inout [UInt8], at offset: Int, width: Int) {
        guard offset + width <= input.count else { return }
        var value = Self.interesting[below(Self.interesting.count)]
        switch below(6) {
        case 0:
            var old: UInt64 = 0
            for i in 0..<width { old |= UInt64(input[offset + i]) << (8 * UInt64(i)) }
            value = below(2) == 0 ? old &+ UInt64(1 + below(16)) : old &- UInt64(1 + below(16))
        case 1: value = random.next()
        default: break
        }
        let bigEndian = below(8) == 0
        for i in 0..<width {
            let byte = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))
            input[offset + (bigEndian ? width - 1 - i : i)] = byte
        }
    }
}
