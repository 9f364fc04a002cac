import Kernels

/// Decoders of the unquantized storage types.
enum PlainTypes {
    /// F32: a copy.
    static func f32(_ source: UnsafeRawPointer, _ count: Int, _ destination: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: count &* 4)
    }

    /// F16: exact widening (see ``HalfPrecision``).
    static func f16(_ source: UnsafeRawPointer, _ count: Int, _ destination: UnsafeMutablePointer<Float>) {
        HalfPrecision.decode(source, count: count, into: destination)
    }

    /// BF16: `bits << 16`.
    static func bf16(_ source: UnsafeRawPointer, _ count: Int, _ destination: UnsafeMutablePointer<Float>) {
        BFloat16.decode(source, count: count, into: destination)
    }
}
