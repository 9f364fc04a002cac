import Foundation

/// A 64-bit FNV-1a hash of what determines a sweep's numbers, as 16 hex digits. Not
/// cryptographic: it tells results of different inputs apart, it does not authenticate them.
struct Fingerprint {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            state ^= UInt64(byte)
            state = state &* 0x0000_0100_0000_01B3
        }
        // A separator, so that ("ab", "c") and ("a", "bc") differ.
        state ^= 0xFF
        state = state &* 0x0000_0100_0000_01B3
    }

    mutating func add(_ text: String) { add(Array(text.utf8)) }

    var hex: String { String(format: "%016llx", state) }

    /// The size, first and last MiB of a (large) file: enough to tell model files apart without
    /// reading gigabytes.
    static func sample(ofFile path: String) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return Array(path.utf8) }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        var bytes = Array(String(size).utf8)
        try? handle.seek(toOffset: 0)
        bytes += Array((try? handle.read(upToCount: 1 << 20)) ?? Data())
        if size > 2 << 20 {
            try? handle.seek(toOffset: size - (1 << 20))
            bytes += Array((try? handle.read(upToCount: 1 << 20)) ?? Data())
        }
        return bytes
    }
}
