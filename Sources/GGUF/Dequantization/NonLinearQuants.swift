/// Decoders of the codebook types IQ4_NL, IQ4_XS and MXFP4.
///
/// - IQ4_NL (18 bytes / 32): `d` fp16 @0, `qs[16]` @2; `y = d · kvalues[nibble]`.
/// - IQ4_XS (136 bytes / 256): `d` fp16 @0, `scales_h` u16 @2, `scales_l[4]` @4, `qs[128]` @8;
///   eight 32-element sub-blocks with 6-bit scales `ls` (4 low bits from `scales_l`, 2 high bits
///   from `scales_h`); `y = (d · (ls − 32)) · kvalues[nibble]`.
/// - MXFP4 (17 bytes / 32): `e` (E8M0 exponent) @0, `qs[16]` @1; `y = kvalues_mxfp4[nibble] · d`
///   where `d` is half of `2^(e − 127)` (the table holds doubled FP4 values).
enum NonLinearQuants {
    /// The IQ4_NL / IQ4_XS codebook (`kvalues_iq4nl`).
    static let iq4Values: [Int8] = [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113]

    /// The doubled FP4 E2M1 values (`kvalues_mxfp4`).
    static let mxfp4Values: [Int8] = [0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12]

    static func iq4_NL(_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) {
        iq4Values.withUnsafeBufferPointer { values in
            for b in 0..<blocks {
                let block = source + b &* 18
                let y = destination + b &* 32
                let d = block.half(0)
                for j in 0..<16 {
                    let q = block.byte(2 &+ j)
                    y[j] = d * Float(values[Int(q & 0x0F)])
                    y[j &+ 16] = d * Float(values[Int(q >> 4)])
                }
            }
        }
    }

    static func iq4_XS(_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) {
        iq4Values.withUnsafeBufferPointer { values in
            for b in 0..<blocks {
                let block = source + b &* 136
                let d = block.half(0)
                let scalesHigh = block.uint16(2)
                for sub in 0..<8 {
                    let low = (block.byte(4 &+ sub / 2) >> UInt8(4 &* (sub % 2))) & 0x0F
                    let high = UInt8(truncatingIfNeeded: scalesHigh >> UInt16(2 &* sub)) & 3
                    let ls = Int32(low | (high << 4))
                    let dl = d * Float(ls &- 32)
                    let y = destination + (b &* 256 &+ sub &* 32)
                    let qs = 8 &+ sub &* 16
                    for j in 0..<16 {
                        let q = block.byte(qs &+ j)
                        y[j] = dl * Float(values[Int(q & 0x0F)])
                        y[j &+ 16] = dl * Float(values[Int(q >> 4)])
                    }
                }
            }
        }
    }

    /// Half of the E8M0 scale `2^(e − 127)` as a float (ggml's `ggml_e8m0_to_fp32_half`).
    @inline(__always)
    static func e8m0Half(_ e: UInt8) -> Float {
        let bits: UInt32 = e < 2 ? 0x0020_0000 << UInt32(e) : (UInt32(e) &- 1) << 23
        return Float(bitPattern: bits)
    }

    static func mxfp4(_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) {
        mxfp4Values.withUnsafeBufferPointer { values in
            for b in 0..<blocks {
                let block = source + b &* 17
                let y = destination + b &* 32
                let d = e8m0Half(block.byte(0))
                for j in 0..<16 {
                    let q = block.byte(1 &+ j)
                    y[j] = Float(values[Int(q & 0x0F)]) * d
                    y[j &+ 16] = Float(values[Int(q >> 4)]) * d
                }
            }
        }
    }
}
