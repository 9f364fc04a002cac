/// The order llama-quantize writes tensors in (its loader's `weight_name_comparer`): by the
/// layer number of `blk.N.`, tensors outside the blocks first, then by name byte for byte.
public enum WeightOrder {
    /// `N` of a name that starts with `blk.N` (as `sscanf("blk.%d.")` reads it), or nil.
    public static func layer(of name: String) -> Int? {
        let bytes = Array(name.utf8)
        guard bytes.starts(with: Array("blk.".utf8)) else { return nil }
        var index = 4
        while index < bytes.count, bytes[index] == 0x20 || (0x09...0x0D).contains(bytes[index]) { index += 1 }
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var value = 0
        var digits = 0
        while index < bytes.count, (0x30...0x39).contains(bytes[index]), digits < 18 {
            value = value * 10 + Int(bytes[index] - 0x30)
            index += 1
            digits += 1
        }
        guard digits > 0 else { return nil }
        return negative ? -value : value
    }

    /// Whether `a` comes before `b`.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        let la = layer(of: a) ?? -1
        let lb = layer(of: b) ?? -1
        if la != lb { return la < lb }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
