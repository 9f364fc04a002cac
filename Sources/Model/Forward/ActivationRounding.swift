import GGUF
import Kernels

/// How ggml's CPU backend rounds a product's float32 input before multiplying it with a weight
/// of a given type: the input is converted to the weight type's `vec_dot_type` (8-bit blocks
/// for quantized weights, f16/bf16 for half-precision weights); see ``BlockRounding``.
enum ActivationRounding: Equatable {
    /// F32 weights (or rounding turned off, or a type without ggml CPU products): the input is
    /// used as is.
    case none
    /// Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, IQ4_NL, MXFP4, NVFP4 and Q1_0 weights (ggml's vec_dot_type).
    case q8_0
    /// k-quants, i-quants and ternary weights.
    case q8_K
    case f16
    case bf16

    init(weight: GGMLType, precision: ActivationPrecision) {
        guard precision == .ggmlCPU else {
            self = .none
            return
        }
        switch weight {
        case .f32: self = .none
        case .f16: self = .f16
        case .bf16: self = .bf16
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1, .iq4_NL, .mxfp4, .nvfp4, .q1_0: self = .q8_0
        case .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .iq2_XXS, .iq2_XS, .iq2_S, .iq3_XXS, .iq3_S, .iq1_S, .iq1_M, .iq4_XS,
             .tq1_0, .tq2_0: self = .q8_K
        // Not weight types of ggml's CPU products (no vec_dot): their float32 copies are used as is.
        case .q8_K, .i8, .i16, .i32, .i64, .f64: self = .none
        }
    }

    /// Elements per rounding block.
    var blockLength: Int {
        switch self {
        case .q8_0: 32
        case .q8_K: 256
        case .none, .f16, .bf16: 1
        }
    }

    /// Whether `rows × columns` inputs need rounding (a row that is not a whole number of
    /// blocks cannot meet a quantized weight in ggml either, and is left alone).
    func changes(columns: Int) -> Bool { self != .none && columns % blockLength == 0 }

    /// Rounds `rows × columns` floats from `input` into `output` (which may be `input`), rows
    /// split over `threads`.
    func apply(_ input: UnsafePointer<Float>, rows: Int, columns: Int, into output: UnsafeMutablePointer<Float>, threads: Int) {
        Parallel.forEachRange(count: rows, threads: rows &* columns >= 1 << 15 ? threads : 1) { range in
            let x = input + range.lowerBound &* columns, y = output + range.lowerBound &* columns
            let count = range.count &* columns
            switch self {
            case .q8_0: BlockRounding.q8_0(x, into: y, count: count)
            case .q8_K: BlockRounding.q8_K(x, into: y, count: count)
            case .f16: BlockRounding.half(x, into: y, count: count)
            case .bf16: BlockRounding.bfloat(x, into: y, count: count)
            case .none: if UnsafePointer(y) != x { y.update(from: x, count: count) }
            }
        }
    }
}
