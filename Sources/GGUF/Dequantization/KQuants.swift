/// Decoders of the 256-element super-block "K" types Q2_K, Q3_K, Q4_K, Q5_K, Q6_K and Q8_K.
///
/// Layouts (ggml-common.h, all offsets in bytes):
/// - Q2_K (84): `scales[16]` @0 (low nibble scale, high nibble min), `qs[64]` @16, `d` @80, `dmin` @82
/// - Q3_K (110): `hmask[32]` @0, `qs[64]` @32, `scales[12]` @96 (sixteen 6-bit scales), `d` @108
/// - Q4_K (144): `d` @0, `dmin` @2, `scales[12]` @4 (eight 6-bit scale/min pairs), `qs[128]` @16
/// - Q5_K (176): `d` @0, `dmin` @2, `scales[12]` @4, `qh[32]` @16, `qs[128]` @48
/// - Q6_K (210): `ql[128]` @0, `qh[64]` @128, `scales[16]` (int8) @192, `d` @208
/// - Q8_K (292): `d` (float32) @0, `qs[256]` (int8) @4, `bsums[16]` @260
///
/// Float association follows ggml's reference dequantizers exactly, e.g. Q4_K is
/// `(d·sc)·q − (dmin·m)` and Q6_K is `(d·sc)·q`.
enum KQuants {
    static func q2_K(_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b &* 84
            var y = destination + b &* 256
            let d = block.half(80)
            let dmin = block.half(82)
            var scaleIndex = 0
            for half in 0..<2 {
                let q = 16 &+ half &* 32
                var shift: UInt8 = 0
                for _ in 0..<4 {
                    for group in 0..<2 {
                        let sc = block.byte(scaleIndex)
                        scaleIndex &+= 1
                        let dl = d * Float(sc & 0x0F)
                        let ml = dmin * Float(sc >> 4)
                        let base = q &+ group &* 16
                        for l in 0..<16 {
                            y[l] = dl * Float((block.byte(base &+ l) >> shift) & 3) - ml
                        }
                        y += 16
                    }
                    shift &+= 2
                }
            }
        }
    }

    static func q3_K(_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b &* 110
            var y = destination + b &* 256
            let dAll = block.half(108)
            let scales = unpackQ3Scales(block + 96)
            var scaleIndex = 0
            var maskBit: UInt8 = 0
            for half in 0..<2 {
                let q = 32 &+ half &* 32
                var shift: UInt8 = 0
                for _ in 0..<4 {
                    for group in 0..<2 {
                        let dl = dAll * Float(Int32(scales[scaleIndex]) &- 32)
                        scaleIndex &+= 1
                        let base = group &* 16
                        for l in 0..<16 {
                            let low = Int32((block.byte(q &+ base &+ l) >> shift) & 3)
                            // 4 when the high bit is clear, else 0.
                            let high = Int32(((~block.byte(base &+ l) >> maskBit) & 1) << 2)
                            y[l] = dl * Float(low &- high)
                        }
                        y += 16
                    }
                    shift &+= 2
                    maskBit &+= 1
                }
            }
        }
    }

    /// The sixteen 6-bit Q3_K scales: low 4 bits from bytes 0–7 (two per byte), high 2 bits from bytes 8–11.
    @inline(__always)
    static func unpackQ3Scales(_ packed: UnsafeRawPointer) -> SIMD16<UInt8> {
        var scales = SIMD16<UInt8>()
        for j in 0..<16 {
            let low = j < 8 ? packed.byte(j) & 0x0F : packed.byte(j &- 8) >> 4
            let high = (packed.byte(8 &+ (j & 3)) >> UInt8(2 &* (j >> 2))) & 3
            scales[j] = low | (high << 4)
        }
        return scales
    }

    /// Scale and min `j` (0–7) of the 12-byte Q4_K/Q5_K scale field (ggml's `get_scale_min_k4`).
    @inline(__always)
    static func scaleMin(_ j: Int, _ q: UnsafeRawPointer) -> (scale: UInt8, min: UInt8) {
        if j < 4 {
            return (q.byte(j) & 63, q.byte(j &+ 4) & 63)
        }
        let scale = (q.byte(j &+ 4) & 0x0F) | ((q.byte(j &- 4) >> 6) << 4)
        let min = (q.byte(j &+ 4) >> 4) | ((q.byte(j) >> 6) << 4)
        return (scale, min)
    }

    static func q4_K(_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b &* 144
            var y = destination + b &* 256
            let d = block.half(0)
            let dmin = block.half(2)
            let scales = block + 4
            for chunk in 0..<4 {
                let q = 16 &+ chunk &* 32
                let (sc1, m1) = scaleMin(2 &* chunk, scales)
                let (sc2, m2) = scaleMin(2 &* chunk &+ 1, scales)
                let d1 = d * Float(sc1), min1 = dmin * Float(m1)
                let d2 = d * Float(sc2), min2 = dmin * Float(m2)
                for l in 0..<32 { y[l] = d1 * Float(block.byte(q &+ l) & 0x0F) - min1 }
                for l in 0..<32 { y[32 &+ l] = d2 * Float(block.byte(q &+ l) >> 4) - min2 }
                y += 64
            }
        }
    }

    static func q5_K(_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b &* 176
            var y = destination + b &* 256
            let d = block.half(0)
            let dmin = block.half(2)
            let scales = block + 4
            var bit1: UInt8 = 1, bit2: UInt8 = 2
            for chunk in 0..<4 {
                let q = 48 &+ chunk &* 32
                let (sc1, m1) = scaleMin(2 &* chunk, scales)
                let (sc2, m2) = scaleMin(2 &* chunk &+ 1, scales)
                let d1 = d * Float(sc1), min1 = dmin * Float(m1)
                let d2 = d * Float(sc2), min2 = dmin * Float(m2)
                for l in 0..<32 {
                    let high: UInt8 = (block.byte(16 &+ l) & bit1) != 0 ? 16 : 0
                    y[l] = d1 * Float((block.byte(q &+ l) & 0x0F) &+ high) - min1
                }
                for l in 0..<32 {
                    let high: UInt8 = (block.byte(16 &+ l) & bit2) != 0 ? 16 : 0
                    y[32 &+ l] = d2 * Float((block.byte(q &+ l) >> 4) &+ high) - min2
                }
                y += 64
                bit1 <<= 2
                bit2 <<= 2
            }
        }
    }

    static func q6_K(_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b &* 210
            let d = block.half(208)
            // ggml computes d * sc * q as (d * sc) * q, so the products d * sc can be hoisted.
            var scaled = SIMD16<Float>()
            for j in 0..<16 { scaled[j] = d * Float(block.signedByte(192 &+ j)) }
            for half in 0..<2 {
                let y = destination + (b &* 256 &+ half &* 128)
                let ql = half &* 64
                let qh = 128 &+ half &* 32
                // Quarter k of the 128 outputs takes its low 4 bits from ql[l] (k even) or
                // ql[l + 32] (k odd), low (k < 2) or high nibble, and 2 high bits from qh[l] >> 2k.
                for quarter in 0..<4 {
                    let low = ql &+ (quarter & 1) &* 32
                    let nibbleShift: UInt8 = quarter < 2 ? 0 : 4
                    let highShift = UInt8(2 &* quarter)
                    for group in 0..<2 {
                        let scale = scaled[half &* 8 &+ group &+ 2 &* quarter]
                        for l in (group &* 16)..<(group &* 16 &+ 16) {
                            let q = ((block.byte(low &+ l) >> nibbleShift) & 0x0F) | (((block.byte(qh &+ l) >> highShift) & 3) << 4)
                            y[quarter &* 32 &+ l] = scale * Float(Int32(q) &- 32)
                        }
                    }
                }
            }
        }
    }

    static func q8_K(_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b &* 292
            let y = destination + b &* 256
            let d = Float(bitPattern: block.uint32(0))
            for j in 0..<256 {
                y[j] = d * Float(block.signedByte(4 &+ j))
            }
        }
    }
}
