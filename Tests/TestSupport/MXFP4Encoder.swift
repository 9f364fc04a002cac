import Foundation

/// Writes float rows as MXFP4 blocks (17 bytes per 32 values: an E8M0 exponent, then 16 bytes
/// of FP4 E2M1 codes, element j in the low nibble of byte j and element j + 16 in the high one),
/// with ggml's exponent rule `floor(log2(amax)) − 2 + 127` and the nearest code. Only the test
/// models use it: any valid block is a valid test weight, and both imx and llama.cpp read them.
enum MXFP4Encoder {
    /// The doubled E2M1 values of codes 0…15.
    static let doubledValues: [Float] = [0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12]

    static func encode(_ values: [Float]) -> [UInt8] {
        precondition(values.count % 32 == 0, "MXFP4 rows are whole 32-value blocks")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count / 32 * 17)
        for start in stride(from: 0, to: values.count, by: 32) {
            let block = values[start..<(start + 32)]
            let amax = block.map(abs).max() ?? 0
            let exponent = amax > 0 ? UInt8(clamping: Int(floorf(log2f(amax))) - 2 + 127) : 0
            let half = Float(sign: .plus, exponent: Int(exponent) - 128, significand: 1) // 2^(e−127) / 2
            func code(_ x: Float) -> UInt8 {
                var best = 0
                for index in 1..<16 where abs(doubledValues[index] * half - x) < abs(doubledValues[best] * half - x) {
                    best = index
                }
                return UInt8(best)
            }
            bytes.append(exponent)
            for j in 0..<16 {
                bytes.append(code(block[start + j]) | code(block[start + j + 16]) << 4)
            }
        }
        return bytes
    }
}
