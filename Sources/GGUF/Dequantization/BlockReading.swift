import Kernels

/// Little-endian field reads inside a quantized block (blocks are packed, so unaligned).
extension UnsafeRawPointer {
    @inline(__always)
    func byte(_ offset: Int) -> UInt8 { load(fromByteOffset: offset, as: UInt8.self) }

    @inline(__always)
    func signedByte(_ offset: Int) -> Int8 { load(fromByteOffset: offset, as: Int8.self) }

    @inline(__always)
    func uint16(_ offset: Int) -> UInt16 { UInt16(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self)) }

    @inline(__always)
    func uint32(_ offset: Int) -> UInt32 { UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }

    /// An fp16 scale field, decoded exactly.
    @inline(__always)
    func half(_ offset: Int) -> Float { HalfPrecision.toFloat(uint16(offset)) }
}

/// A decoder of whole blocks: reads `blocks` consecutive blocks at `source` and writes
/// `blocks × blockSize` floats at `destination`.
typealias BlockDecoder = (_ source: UnsafeRawPointer, _ blocks: Int, _ destination: UnsafeMutablePointer<Float>) -> Void
