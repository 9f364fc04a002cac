import Kernels

/// Converts stored tensor data to float32, bit-exactly as ggml's `to_float` does.
///
/// Supported: F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K,
/// IQ4_NL, IQ4_XS, the lattice types IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ1_S, IQ1_M,
/// TQ1_0, TQ2_0 and MXFP4. The others (NVFP4, Q1_0, Q8_1 — which ggml cannot dequantize either —
/// and the integer types) are reported as unsupported.
///
/// Work is split over blocks, so even a single long row uses every thread.
public enum Dequantizer {
    /// Whether `type` can be dequantized.
    public static func supports(_ type: GGMLType) -> Bool { decoder(for: type) != nil }

    /// The types that can be dequantized, in ggml id order.
    public static var supportedTypes: [GGMLType] { GGMLType.allCases.filter(supports) }

    /// Decodes `elementCount` values of `type` from `source` into `destination`.
    ///
    /// - Parameters:
    ///   - source: packed blocks (`elementCount / blockSize × typeSize` bytes), any alignment.
    ///   - elementCount: a multiple of `type.blockSize`.
    ///   - destination: room for `elementCount` floats.
    ///   - threads: the most threads to use; small inputs stay on the calling thread.
    ///   - tensorName: the tensor's name, for the error message.
    /// - Throws: `.unsupportedTensorType` (e.g. "unsupported tensor type IQ2_XXS in blk.3.ffn_down.weight").
    public static func dequantize(
        _ type: GGMLType, from source: UnsafeRawPointer, elementCount: Int,
        into destination: UnsafeMutablePointer<Float>,
        threads: Int = Parallel.processorCount, tensorName: String = "tensor", file: String = "<memory>"
    ) throws(GGUFError) {
        guard let decode = decoder(for: type) else {
            throw unsupported(type, tensorName: tensorName, file: file)
        }
        precondition(elementCount % type.blockSize == 0, "\(elementCount) is not a multiple of \(type.name)'s block size")
        let blocks = elementCount / type.blockSize
        let blockBytes = type.typeSize
        let blockSize = type.blockSize
        // About 64 KiB of output per work item keeps the per-item overhead negligible.
        let grain = max(1, 16_384 / blockSize)
        Parallel.forEachRange(count: blocks, threads: threads, grain: grain) { range in
            decode(source + range.lowerBound &* blockBytes, range.count, destination + range.lowerBound &* blockSize)
        }
    }

    /// The error for a tensor whose type cannot be dequantized.
    static func unsupported(_ type: GGMLType, tensorName: String, file: String) -> GGUFError {
        GGUFError(file: file, field: "\(tensorName).type", kind: .unsupportedTensorType,
                  message: "unsupported tensor type \(type.name) in \(tensorName)")
    }

    static func decoder(for type: GGMLType) -> BlockDecoder? {
        switch type {
        case .f32: PlainTypes.f32
        case .f16: PlainTypes.f16
        case .bf16: PlainTypes.bf16
        case .q4_0: LegacyQuants.q4_0
        case .q4_1: LegacyQuants.q4_1
        case .q5_0: LegacyQuants.q5_0
        case .q5_1: LegacyQuants.q5_1
        case .q8_0: LegacyQuants.q8_0
        case .q2_K: KQuants.q2_K
        case .q3_K: KQuants.q3_K
        case .q4_K: KQuants.q4_K
        case .q5_K: KQuants.q5_K
        case .q6_K: KQuants.q6_K
        case .q8_K: KQuants.q8_K
        case .iq4_NL: NonLinearQuants.iq4_NL
        case .iq4_XS: NonLinearQuants.iq4_XS
        case .mxfp4: NonLinearQuants.mxfp4
        case .tq1_0: TernaryQuants.tq1_0
        case .tq2_0: TernaryQuants.tq2_0
        case .iq2_XXS: GridQuants.iq2_XXS
        case .iq2_XS: GridQuants.iq2_XS
        case .iq2_S: GridQuants.iq2_S
        case .iq3_XXS: GridQuants.iq3_XXS
        case .iq3_S: GridQuants.iq3_S
        case .iq1_S: GridQuants.iq1_S
        case .iq1_M: GridQuants.iq1_M
        case .q8_1, .nvfp4, .q1_0, .i8, .i16, .i32, .i64, .f64:
            nil
        }
    }
}
