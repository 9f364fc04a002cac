import Foundation

/// One prediction's distribution as llama-perplexity stores it in a KL-divergence base file:
/// two floats (`scale`, `minimum log-probability`) in the first four `UInt16` slots, then one
/// `UInt16` per token id, `log p(id) ≈ scale · value + minimum`. Logits more than 16 below the
/// maximum are clamped to the minimum (value 0). The row is padded to an even count.
public enum LogProbabilityRow {
    /// `UInt16` slots per row for `vocabulary` token ids.
    public static func slots(vocabulary: Int) -> Int { 2 * ((vocabulary + 1) / 2) + 4 }

    /// Encodes `logits` (one row of `vocabulary` floats) into `row`
    /// (``slots(vocabulary:)`` values), with llama-perplexity's arithmetic.
    public static func encode(_ logits: UnsafePointer<Float>, vocabulary: Int, into row: UnsafeMutablePointer<UInt16>) {
        var maximum = logits[0], minimum = logits[0]
        for i in 1..<vocabulary {
            let value = logits[i]
            if value > maximum { maximum = value }
            if value < minimum { minimum = value }
        }
        minimum = Swift.max(minimum, maximum - 16)
        var sum: Double = 0
        for i in 0..<vocabulary { sum += Double(Foundation.exp(logits[i] - maximum)) }
        let logSum = Float(Foundation.log(sum))
        let minimumLogProbability = minimum - maximum - logSum
        let scale = (maximum - minimum) / 65535
        UnsafeMutableRawPointer(row).storeBytes(of: scale, as: Float.self)
        UnsafeMutableRawPointer(row + 2).storeBytes(of: minimumLogProbability, as: Float.self)
        let values = row + 4
        let padded = slots(vocabulary: vocabulary) - 4
        values.update(repeating: 0, count: padded)
        guard scale != 0 else { return }
        let inverse = 1 / scale
        for i in 0..<vocabulary where logits[i] > minimum {
            values[i] = UInt16(truncatingIfNeeded: nearestInteger(inverse * (logits[i] - minimum)))
        }
    }

    /// The row's `scale` and minimum log-probability.
    public static func header(_ row: UnsafePointer<UInt16>) -> (scale: Float, minimum: Float) {
        let raw = UnsafeRawPointer(row)
        return (raw.loadUnaligned(as: Float.self), raw.loadUnaligned(fromByteOffset: 4, as: Float.self))
    }

    /// ggml's `nearest_int`: round half to even through the 1.5·2²³ magic number.
    @inline(__always)
    static func nearestInteger(_ value: Float) -> Int32 {
        let shifted = value + 12_582_912
        return Int32(bitPattern: shifted.bitPattern & 0x007F_FFFF) &- 0x0040_0000
    }
}
