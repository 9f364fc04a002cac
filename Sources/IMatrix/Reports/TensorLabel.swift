/// How llama-imatrix's statistics label a weight tensor: the layer (the dot-separated
/// component after `blk`, else `-`) and the short name (the component before `weight`, else the
/// whole name). `blk.3.ffn_down_exps.weight` → layer `3`, tensor `ffn_down_exps`.
public struct TensorLabel: Sendable, Equatable, Hashable {
    /// The component after `blk`, or `-`.
    public let layer: String
    /// The component before `weight`, or the whole name.
    public let tensor: String

    public init(name: String) {
        var parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.last == "" { parts.removeLast() } // a trailing dot makes no component
        var layer = "", tensor = ""
        if let index = parts.indices.first(where: { parts[$0] == "blk" && $0 + 1 < parts.count }) {
            layer = parts[index + 1]
        }
        if let index = parts.indices.first(where: { parts[$0] == "weight" && $0 > 0 }) {
            tensor = parts[index - 1]
        }
        self.layer = layer.isEmpty ? "-" : layer
        self.tensor = tensor.isEmpty ? name : tensor
    }

    /// The layer as a block number the way llama.cpp's `std::stoi` reads it (leading sign and
    /// digits), or -1 when it is not a number.
    public var block: Int {
        var text = Substring(layer)
        var sign = 1
        if let first = text.first, first == "-" || first == "+" {
            sign = first == "-" ? -1 : 1
            text = text.dropFirst()
        }
        let digits = text.prefix(while: \.isASCII).prefix(while: \.isNumber)
        guard !digits.isEmpty, let value = Int(digits) else { return -1 }
        return sign * value
    }

    /// The same tensor's name in the previous block, as llama.cpp's CosSim looks it up: the
    /// first `blk.<digits>.` in `name` with the number decreased by one (`blk.0.` → `blk.-1.`).
    /// Nil when the name has no block number.
    public static func previousBlockName(of name: String) -> String? {
        let bytes = Array(name.utf8)
        let prefix = Array("blk.".utf8)
        var start = 0
        while start + prefix.count < bytes.count {
            defer { start += 1 }
            guard bytes[start..<(start + prefix.count)].elementsEqual(prefix) else { continue }
            var end = start + prefix.count
            while end < bytes.count, bytes[end] >= UInt8(ascii: "0"), bytes[end] <= UInt8(ascii: "9") { end += 1 }
            guard end > start + prefix.count, end < bytes.count, bytes[end] == UInt8(ascii: ".") else { continue }
            guard let number = Int(String(decoding: bytes[(start + prefix.count)..<end], as: UTF8.self)) else { return nil }
            return String(decoding: bytes[..<(start + prefix.count)], as: UTF8.self) + String(number - 1)
                + String(decoding: bytes[end...], as: UTF8.self)
        }
        return nil
    }
}
