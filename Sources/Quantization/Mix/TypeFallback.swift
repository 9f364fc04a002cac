import GGUF

/// llama-quantize's fallback for a row length the chosen type cannot take
/// (`tensor_type_fallback`): a 256-block type falls back to a 32-block relative, and a row
/// that not even that divides becomes F16.
public enum TypeFallback {
    /// The type a row of `rowLength` elements gets instead of `type`, or `type` when it fits.
    /// - Throws: ``MixError`` for a type llama.cpp defines no fallback for.
    public static func resolve(_ type: GGMLType, rowLength: Int, tensor: String) throws(MixError) -> GGMLType {
        guard rowLength % type.blockSize != 0 else { return type }
        var fallback: GGMLType
        switch type {
        case .iq1_S, .iq1_M, .iq2_XXS, .iq2_XS, .iq2_S, .iq3_XXS, .iq3_S, .iq4_XS: fallback = .iq4_NL
        case .q2_K, .q3_K, .tq1_0, .tq2_0: fallback = .q4_0
        case .q4_K: fallback = .q5_0
        case .q5_K: fallback = .q5_1
        case .q6_K: fallback = .q8_0
        case .f32, .f16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1, .q8_K, .iq4_NL, .i8, .i16, .i32, .i64, .f64, .bf16,
             .mxfp4, .nvfp4, .q1_0:
            guard type.blockSize <= 32 else {
                throw MixError(tensor: tensor, message: "no tensor type fallback is defined for type \(type.name)")
            }
            fallback = type
        }
        if rowLength % fallback.blockSize != 0 { fallback = .f16 }
        return fallback
    }
}
