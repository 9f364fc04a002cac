import NativeKernels

/// `output = input · Wᵀ` with W in its GGUF blocks and the input rounded to ggml's 8-bit
/// activation blocks, multiplied with integer dot products (ggml's CPU arithmetic): the
/// C kernels of `NativeKernels`, with AVX-512 VNNI, AVX-VNNI, AVX2 or portable code chosen at
/// run time. The result equals the float path — the dequantized weights times
/// ``BlockRounding``'s rounded input in float32 — within float rounding.
///
/// Types are ggml type ids (Kernels sits below the GGUF module): Q4_0 2, Q5_0 6, Q8_0 8,
/// Q4_K 12, Q5_K 13, Q6_K 14, IQ4_NL 20, IQ4_XS 23.
public enum QuantizedProduct {
    /// The kernels, oldest first.
    public enum InstructionSet: Int32, CaseIterable, Sendable, CustomStringConvertible {
        case portable = 0
        case avx2 = 1
        /// The AVX-VNNI kernel's code encoded with AVX-512 VL, so CPUs with AVX-512 VNNI test it.
        case avx512VL256 = 2
        case avxVNNI = 3
        case avx512VNNI = 4

        /// Whether this CPU runs it.
        public var isAvailable: Bool { imx_qp_isa_available(rawValue) != 0 }

        /// Weight rows per panel, the granularity of a thread's share.
        public var panelWidth: Int { self == .avx512VNNI || self == .portable ? 16 : 8 }

        public var description: String {
            switch self {
            case .portable: "portable C"
            case .avx2: "AVX2"
            case .avx512VL256: "AVX-512 VL (256-bit)"
            case .avxVNNI: "AVX-VNNI"
            case .avx512VNNI: "AVX-512 VNNI"
            }
        }

        /// The best kernel this CPU runs.
        public static let best = InstructionSet(rawValue: imx_qp_best_isa()) ?? .portable
    }

    /// Bytes of activations one pass of a product holds: inputs larger than this are multiplied
    /// one column slice at a time, so that a slice's activation rows stay in the last-level cache
    /// while every panel of weight rows meets them (a third of that cache, within 4 … 16 MiB).
    /// The slices make the same additions in the same order: the result does not depend on it.
    public static var sliceBytes: Int { Int(imx_qp_slice_bytes()) }

    /// Sets ``sliceBytes`` (nil: the automatic budget again), for tests of the slicing.
    public static func setSliceBytes(_ bytes: Int?) { imx_qp_set_slice_bytes(Int64(bytes ?? 0)) }

    /// Whether weights of ggml type `type` have a kernel.
    public static func supports(typeID type: Int) -> Bool { imx_qp_supports(Int32(type)) != 0 }

    /// Elements per activation block for weights of `type` (256 or 32); 0 when unsupported.
    public static func activationBlock(typeID type: Int) -> Int { Int(imx_qp_activation_block(Int32(type))) }

    /// Bytes of one prepared activation row of `columns` elements.
    public static func activationRowBytes(typeID type: Int, columns: Int) -> Int {
        imx_qp_activation_row_bytes(Int32(type), Int64(columns))
    }

    /// Bytes of a worker's scratch for `columns`.
    public static func scratchBytes(typeID type: Int, columns: Int) -> Int { imx_qp_scratch_bytes(Int32(type), Int64(columns)) }

    /// Rounds `rows × columns` floats to the activation format of weights of `type` into
    /// `prepared` (`rows · activationRowBytes` bytes, 64-byte aligned), rows split over `threads`
    /// (vectorised with AVX-512 where `instructionSet` is `.avx512VNNI`; the bytes are the same).
    public static func prepare(typeID type: Int, instructionSet: InstructionSet = .best, input: UnsafePointer<Float>, rows: Int,
                               columns: Int, into prepared: UnsafeMutableRawPointer, threads: Int) {
        let rowBytes = activationRowBytes(typeID: type, columns: columns)
        Parallel.forEachRange(count: rows, threads: rows &* columns >= 1 << 15 ? threads : 1) { range in
            imx_qp_quantize_activations(instructionSet.rawValue, Int32(type), input + range.lowerBound &* columns, Int64(range.count),
                                        Int64(columns), prepared + range.lowerBound &* rowBytes)
        }
    }

    /// `output[a·ldc + r] = Σ_e x[a][e]·W[r][e]` for `rows` prepared activation rows and the
    /// `outFeatures` weight rows at `weights` (rows of `columns` elements in `type`'s blocks),
    /// the weight rows split over `threads` workers in whole panels. `scratch(worker)` gives
    /// each worker ``scratchBytes(typeID:columns:)`` bytes, 64-byte aligned.
    public static func multiply(
        typeID type: Int, instructionSet: InstructionSet = .best, weights: UnsafeRawPointer, outFeatures: Int, columns: Int,
        prepared: UnsafeRawPointer, rows: Int, output: UnsafeMutablePointer<Float>, ldc: Int, threads: Int,
        scratch: (Int) -> UnsafeMutableRawPointer
    ) {
        guard rows > 0, outFeatures > 0 else { return }
        let width = instructionSet.panelWidth
        let panels = (outFeatures + width - 1) / width
        Parallel.forEachRangeWithWorker(count: panels, threads: threads) { worker, range in
            let first = range.lowerBound * width, last = min(outFeatures, range.upperBound * width)
            imx_qp_product(instructionSet.rawValue, Int32(type), weights, Int64(first), Int64(last), Int64(columns),
                           prepared, Int64(rows), output + first, Int64(ldc), scratch(worker))
        }
    }
}
