/// Decoders of the ternary types TQ1_0 and TQ2_0 (values −1, 0, +1 times a scale).
///
/// - TQ1_0 (54 bytes / 256): `qs[48]` @0, `qh[4]` @48, `d` fp16 @52. Five trits per `qs` byte and
///   four per `qh` byte, stored as a base-3 fixed-point fraction: trit `n` of byte `q` is
///   `(UInt8(q · 3ⁿ) · 3) >> 8`. Element order: `qs[0..<32]` for n = 0…4 (32 at a time), then
///   `qs[32..<48]` for n = 0…4 (16 at a time), then `qh[0..<4]` for n = 0…3.
/// - TQ2_0 (66 bytes / 256): `qs[64]` @0, `d` fp16 @64. Two bits per value: element
///   `j·128 + l·32 + m` is `(qs[j·32 + m] >> 2l) & 3`, minus 1.
enum TernaryQuants {
    static let powersOfThree: [UInt8] = [1, 3, 9, 27, 81, 243]

    @inline(__always)
    private static func trit(_ q: UInt8, _ power: UInt8) -> Int32 {
        let shifted = q &* power
        return Int32((UInt16(shifted) &* 3) >> 8)
    }

    static func tq1_0(_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) {
        powersOfThree.withUnsafeBufferPointer { pow3 in
            for b in 0..<blocks {
                let block = source + b &* 54
                var y = destination + b &* 256
                let d = block.half(52)
                for n in 0..<5 {
                    for m in 0..<32 {
                        y[m] = Float(trit(block.byte(m), pow3[n]) &- 1) * d
                    }
                    y += 32
                }
                for n in 0..<5 {
                    for m in 0..<16 {
                        y[m] = Float(trit(block.byte(32 &+ m), pow3[n]) &- 1) * d
                    }
                    y += 16
                }
                for n in 0..<4 {
                    for j in 0..<4 {
                        y[j] = Float(trit(block.byte(48 &+ j), pow3[n]) &- 1) * d
                    }
                    y += 4
                }
            }
        }
    }

    static func tq2_0(_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b &* 66
            var y = destination + b &* 256
            let d = block.half(64)
            for j in stride(from: 0, to: 64, by: 32) {
                for l in 0..<4 {
                    let shift = UInt8(l &* 2)
                    for m in 0..<32 {
                        let q = Int32((block.byte(j &+ m) >> shift) & 3)
                        y[m] = Float(q &- 1) * d
                    }
                    y += 32
                }
            }
        }
    }
}
