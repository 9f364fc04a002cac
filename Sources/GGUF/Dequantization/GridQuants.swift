import Kernels

/// Decoders of the lattice ("grid") types IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ1_S and
/// IQ1_M: each group of 8 (or 4) weights is a point of a fixed grid (``LatticeGrids``), with
/// signs and a per-32 (IQ1: per-block) scale.
///
/// Layouts (bytes; `d` fp16):
/// - IQ2_XXS (66): `d` @0, `qs[32]` u16 @2 — per 32 weights two u32: four grid indices, then four
///   7-bit sign codes and a 4-bit scale; `y = (d·(0.5 + s)·0.25) · grid · sign`.
/// - IQ2_XS (74): `d` @0, `qs[32]` u16 @2 (9-bit index, 7-bit sign code), `scales[8]` @66.
/// - IQ2_S (82): `d` @0, `qs[64]` @2 (32 index bytes, then 32 sign bytes), `qh[8]` @66, `scales[8]` @74.
/// - IQ3_XXS (98): `d` @0, `qs[96]` @2 (64 index bytes, then per 32 weights a u32 of signs and scale);
///   `y = (d·(0.5 + s)·0.5) · grid · sign`.
/// - IQ3_S (110): `d` @0, `qs[64]` @2, `qh[8]` @66, `signs[32]` @74, `scales[4]` @106; `y = d·(1 + 2s) · grid · sign`.
/// - IQ1_S (50): `d` @0, `qs[32]` @2, `qh[8]` u16 @34; `y = d·(2s + 1) · (grid ± 0.125)`.
/// - IQ1_M (56): `qs[32]` @0, `qh[16]` @32, `scales[8]` @48 (four u16 holding 3-bit scales, with
///   the fp16 `d` spread over their top nibbles).
enum GridQuants {
    /// ggml's `IQ1S_DELTA`.
    static let iq1Delta: Float = 0.125

    /// `y[j] = (scale · point[j]) · ±1` for the 8 bytes of `point`, minus where bit `j` of `signs` is set.
    @inline(__always)
    static func writeSigned(_ y: UnsafeMutablePointer<Float>, _ scale: Float, _ point: UInt64, _ signs: UInt8) {
        for j in 0..<8 {
            y[j] = scale * Float(LatticeGrids.byte(point, j)) * LatticeGrids.sign(signs, j)
        }
    }

    /// `y[j] = scale · (point[j] + delta)` for the 8 signed bytes of `point` (IQ1_S, IQ1_M).
    @inline(__always)
    static func writeShifted(_ y: UnsafeMutablePointer<Float>, _ scale: Float, _ point: UInt64, _ delta: Float) {
        for j in 0..<8 {
            y[j] = scale * (Float(Int8(bitPattern: LatticeGrids.byte(point, j))) + delta)
        }
    }

    /// The IQ2/IQ3_XXS sub-block scale `(d · (0.5 + s)) · factor` for a 4-bit code `s`, in ggml's
    /// association (`factor` is 0.25 for IQ2, 0.5 for IQ3_XXS).
    @inline(__always)
    static func halfStepScale<T: BinaryInteger>(_ d: Float, _ s: T, _ factor: Float) -> Float {
        d * (0.5 + Float(s)) * factor
    }

    /// The 8 sign bits of the 7-bit code `l` (0–3) packed in `word` (IQ2_XXS, IQ3_XXS).
    @inline(__always)
    static func packedSigns(_ table: UnsafeBufferPointer<UInt8>, _ word: UInt32, _ l: Int) -> UInt8 {
        table[Int((word >> UInt32(l &* 7)) & 127)]
    }

    /// Two 4-element grid points as one 8-element point (`first` in bytes 0–3).
    @inline(__always)
    static func joined(_ first: UInt32, _ second: UInt32) -> UInt64 { UInt64(first) | UInt64(second) << 32 }

    static func iq2_XXS(_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) {
        LatticeGrids.iq2xxs.withUnsafeBufferPointer { grid in
            LatticeGrids.signs.withUnsafeBufferPointer { signTable in
                for b in 0..<blocks {
                    let block = source + b &* 66
                    var y = destination + b &* 256
                    let d = block.half(0)
                    for group in 0..<8 {
                        let indices = block.uint32(2 &+ group &* 8)
                        let signsAndScale = block.uint32(6 &+ group &* 8)
                        let db = halfStepScale(d, signsAndScale >> 28, 0.25)
                        for l in 0..<4 {
                            let point = grid[Int((indices >> UInt32(l &* 8)) & 0xFF)]
                            let signs = packedSigns(signTable, signsAndScale, l)
                            writeSigned(y, db, point, signs)
                            y += 8
                        }
                    }
                }
            }
        }
    }

    static func iq2_XS(_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) {
        LatticeGrids.iq2xs.withUnsafeBufferPointer { grid in
            LatticeGrids.signs.withUnsafeBufferPointer { signTable in
                for b in 0..<blocks {
                    let block = source + b &* 74
                    var y = destination + b &* 256
                    let d = block.half(0)
                    for group in 0..<8 {
                        let scale = block.byte(66 &+ group)
                        let db0 = halfStepScale(d, scale & 0x0F, 0.25)
                        let db1 = halfStepScale(d, scale >> 4, 0.25)
                        for l in 0..<4 {
                            let code = block.uint16(2 &+ 2 &* (group &* 4 &+ l))
                            let point = grid[Int(code & 511)]
                            let signs = signTable[Int(code >> 9)]
                            let db = l < 2 ? db0 : db1
                            writeSigned(y, db, point, signs)
                            y += 8
                        }
                    }
                }
            }
        }
    }

    static func iq2_S(_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) {
        LatticeGrids.iq2s.withUnsafeBufferPointer { grid in
            for b in 0..<blocks {
                let block = source + b &* 82
                var y = destination + b &* 256
                let d = block.half(0)
                for group in 0..<8 {
                    let scale = block.byte(74 &+ group)
                    let db0 = halfStepScale(d, scale & 0x0F, 0.25)
                    let db1 = halfStepScale(d, scale >> 4, 0.25)
                    let high = Int(block.byte(66 &+ group))
                    for l in 0..<4 {
                        let index = Int(block.byte(2 &+ group &* 4 &+ l)) | ((high << (8 &- 2 &* l)) & 0x300)
                        let point = grid[index]
                        let signs = block.byte(34 &+ group &* 4 &+ l)
                        let db = l < 2 ? db0 : db1
                        writeSigned(y, db, point, signs)
                        y += 8
                    }
                }
            }
        }
    }

    static func iq3_XXS(_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) {
        LatticeGrids.iq3xxs.withUnsafeBufferPointer { grid in
            LatticeGrids.signs.withUnsafeBufferPointer { signTable in
                for b in 0..<blocks {
                    let block = source + b &* 98
                    var y = destination + b &* 256
                    let d = block.half(0)
                    for group in 0..<8 {
                        let signsAndScale = block.uint32(66 &+ group &* 4)
                        let db = halfStepScale(d, signsAndScale >> 28, 0.5)
                        for l in 0..<4 {
                            let signs = packedSigns(signTable, signsAndScale, l)
                            let first = grid[Int(block.byte(2 &+ group &* 8 &+ 2 &* l))]
                            let second = grid[Int(block.byte(3 &+ group &* 8 &+ 2 &* l))]
                            writeSigned(y, db, joined(first, second), signs)
                            y += 8
                        }
                    }
                }
            }
        }
    }

    static func iq3_S(_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) {
        LatticeGrids.iq3s.withUnsafeBufferPointer { grid in
            for b in 0..<blocks {
                let block = source + b &* 110
                var y = destination + b &* 256
                let d = block.half(0)
                for group in 0..<8 {
                    let scale = block.byte(106 &+ group / 2)
                    let db = d * Float(1 &+ 2 &* Int32(group % 2 == 0 ? scale & 0x0F : scale >> 4))
                    let high = Int(block.byte(66 &+ group))
                    for l in 0..<4 {
                        let first = grid[Int(block.byte(2 &+ group &* 8 &+ 2 &* l)) | ((high << (8 &- 2 &* l)) & 256)]
                        let second = grid[Int(block.byte(3 &+ group &* 8 &+ 2 &* l)) | ((high << (7 &- 2 &* l)) & 256)]
                        let signs = block.byte(74 &+ group &* 4 &+ l)
                        writeSigned(y, db, joined(first, second), signs)
                        y += 8
                    }
                }
            }
        }
    }

    static func iq1_S(_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) {
        LatticeGrids.iq1s.withUnsafeBufferPointer { grid in
            for b in 0..<blocks {
                let block = source + b &* 50
                var y = destination + b &* 256
                let d = block.half(0)
                for group in 0..<8 {
                    let high = Int(block.uint16(34 &+ 2 &* group))
                    let dl = d * Float(2 &* ((high >> 12) & 7) &+ 1)
                    let delta = high & 0x8000 != 0 ? -iq1Delta : iq1Delta
                    for l in 0..<4 {
                        let point = grid[Int(block.byte(2 &+ group &* 4 &+ l)) | (((high >> (3 &* l)) & 7) << 8)]
                        writeShifted(y, dl, point, delta)
                        y += 8
                    }
                }
            }
        }
    }

    static func iq1_M(_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) {
        LatticeGrids.iq1s.withUnsafeBufferPointer { grid in
            for b in 0..<blocks {
                let block = source + b &* 56
                var y = destination + b &* 256
                let scales = SIMD4<Int>(Int(block.uint16(48)), Int(block.uint16(50)), Int(block.uint16(52)), Int(block.uint16(54)))
                let scaleBits = (scales[0] >> 12) | ((scales[1] >> 8) & 0x00F0) | ((scales[2] >> 4) & 0x0F00) | (scales[3] & 0xF000)
                let d = HalfPrecision.toFloat(UInt16(truncatingIfNeeded: scaleBits))
                for group in 0..<8 {
                    let packed = scales[group / 2] >> (6 &* (group % 2))
                    let dl1 = d * Float(2 &* (packed & 7) &+ 1)
                    let dl2 = d * Float(2 &* ((packed >> 3) & 7) &+ 1)
                    let qh0 = Int(block.byte(32 &+ 2 &* group)), qh1 = Int(block.byte(33 &+ 2 &* group))
                    let qs = 4 &* group
                    let indices = SIMD4<Int>(
                        Int(block.byte(qs)) | ((qh0 << 8) & 0x700), Int(block.byte(qs &+ 1)) | ((qh0 << 4) & 0x700),
                        Int(block.byte(qs &+ 2)) | ((qh1 << 8) & 0x700), Int(block.byte(qs &+ 3)) | ((qh1 << 4) & 0x700))
                    let negative = SIMD4<Int32>(Int32(qh0 & 0x08), Int32(qh0 & 0x80), Int32(qh1 & 0x08), Int32(qh1 & 0x80)) .!= 0
                    let deltas = SIMD4<Float>(repeating: iq1Delta).replacing(with: -iq1Delta, where: negative)
                    for l in 0..<4 {
                        writeShifted(y, l < 2 ? dl1 : dl2, grid[indices[l]], deltas[l])
                        y += 8
                    }
                }
            }
        }
    }
}
