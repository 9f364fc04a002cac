/// Decoders of the 32-element block types Q4_0, Q4_1, Q5_0, Q5_1 and Q8_0.
///
/// Layouts (ggml-common.h): Q4_0 `{d, qs[16]}`, Q4_1 `{d, m, qs[16]}`, Q5_0 `{d, qh[4], qs[16]}`,
/// Q5_1 `{d, m, qh[4], qs[16]}`, Q8_0 `{d, qs[32]}`; `d`, `m` fp16. Low nibbles are
/// elements 0–15, high nibbles 16–31. Float association as in ggml: `q·d` and `q·d + m`.
enum LegacyQuants {
    static func q4_0(_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b &* 18
            let y = destination + b &* 32
            let d = block.half(0)
            for j in 0..<16 {
                let q = block.byte(2 &+ j)
                y[j] = Float(Int32(q & 0x0F) &- 8) * d
                y[j &+ 16] = Float(Int32(q >> 4) &- 8) * d
            }
        }
    }

    static func q4_1(_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b &* 20
            let y = destination + b &* 32
            let d = block.half(0)
            let m = block.half(2)
            for j in 0..<16 {
                let q = block.byte(4 &+ j)
                y[j] = Float(q & 0x0F) * d + m
                y[j &+ 16] = Float(q >> 4) * d + m
            }
        }
    }

    static func q5_0(_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b &* 22
            let y = destination + b &* 32
            let d = block.half(0)
            let qh = block.uint32(2)
            for j in 0..<16 {
                let q = UInt32(block.byte(6 &+ j))
                let high0 = ((qh >> UInt32(j)) << 4) & 0x10
                let high1 = (qh >> UInt32(j &+ 12)) & 0x10
                y[j] = Float(Int32((q & 0x0F) | high0) &- 16) * d
                y[j &+ 16] = Float(Int32((q >> 4) | high1) &- 16) * d
            }
        }
    }

    static func q5_1(_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b &* 24
            let y = destination + b &* 32
            let d = block.half(0)
            let m = block.half(2)
            let qh = block.uint32(4)
            for j in 0..<16 {
                let q = UInt32(block.byte(8 &+ j))
                let high0 = ((qh >> UInt32(j)) << 4) & 0x10
                let high1 = (qh >> UInt32(j &+ 12)) & 0x10
                y[j] = Float((q & 0x0F) | high0) * d + m
                y[j &+ 16] = Float((q >> 4) | high1) * d + m
            }
        }
    }

    static func q8_0(_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b &* 34
            let y = destination + b &* 32
            let d = block.half(0)
            for j in 0..<32 {
                y[j] = Float(block.signedByte(2 &+ j)) * d
            }
        }
    }
}
