/// A ggml tensor type: the id stored in GGUF tensor infos, and its block geometry.
///
/// The table follows ggml at llama.cpp commit 0c1e570 (`ggml.c` `type_traits`, the block
/// structs of `ggml-common.h`) and is tested against gguf-py's `GGML_QUANT_SIZES`. One known
/// disagreement: gguf-py still lists `Q8_1` as 40 bytes, while ggml's `block_q8_1` holds two
/// `ggml_half` plus 32 quants = 36 bytes; the table uses ggml's 36.
public enum GGMLType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q5_0 = 6
    case q5_1 = 7
    case q8_0 = 8
    case q8_1 = 9
    case q2_K = 10
    case q3_K = 11
    case q4_K = 12
    case q5_K = 13
    case q6_K = 14
    case q8_K = 15
    case iq2_XXS = 16
    case iq2_XS = 17
    case iq3_XXS = 18
    case iq1_S = 19
    case iq4_NL = 20
    case iq3_S = 21
    case iq2_S = 22
    case iq4_XS = 23
    case i8 = 24
    case i16 = 25
    case i32 = 26
    case i64 = 27
    case f64 = 28
    case iq1_M = 29
    case bf16 = 30
    case tq1_0 = 34
    case tq2_0 = 35
    case mxfp4 = 39
    case nvfp4 = 40
    case q1_0 = 41

    /// The ggml id as stored in the file.
    public var id: UInt32 { rawValue }

    /// ggml's name of the type, e.g. `Q4_K`, `IQ4_XS`, `BF16`.
    public var name: String { traits.name }

    /// Elements per block (1 for plain scalar types).
    public var blockSize: Int { traits.blockSize }

    /// Bytes per block.
    public var typeSize: Int { traits.typeSize }

    /// Whether the type is a block-quantized format (as opposed to a plain scalar type).
    public var isQuantized: Bool { traits.blockSize > 1 }

    public var description: String { name }

    /// The type with ggml name `name` (case-insensitive), e.g. `"q4_k"` → ``q4_K``.
    public init?(name: String) {
        let wanted = name.uppercased()
        guard let match = GGMLType.allCases.first(where: { $0.name == wanted }) else { return nil }
        self = match
    }

    /// Bytes of one row of `elements` values.
    /// - Precondition: `elements` is a multiple of ``blockSize``.
    public func rowByteCount(elements: Int) -> Int {
        precondition(elements % blockSize == 0, "\(elements) elements is not a multiple of \(name)'s block size \(blockSize)")
        return elements / blockSize * typeSize
    }

    /// Byte offsets, inside one block, of the fp16 scale fields (`d`, `dmin`, `m`) of the
    /// quantized types that have them (empty for the others).
    public var halfScaleOffsets: [Int] {
        switch self {
        case .q4_0, .q5_0, .q8_0, .iq4_NL, .iq4_XS, .iq2_XXS, .iq2_XS, .iq2_S, .iq3_XXS, .iq3_S, .iq1_S: [0]
        case .q4_1, .q5_1, .q8_1, .q4_K, .q5_K: [0, 2]
        case .q2_K: [80, 82]
        case .q3_K: [108]
        case .q6_K: [208]
        case .tq1_0: [52]
        case .tq2_0: [64]
        case .q1_0: [0]
        case .f32, .f16, .q8_K, .i8, .i16, .i32, .i64, .f64, .iq1_M, .bf16, .mxfp4, .nvfp4: []
        }
    }

    struct Traits {
        let name: String
        let blockSize: Int
        let typeSize: Int
    }

    var traits: Traits {
        switch self {
        case .f32: Traits(name: "F32", blockSize: 1, typeSize: 4)
        case .f16: Traits(name: "F16", blockSize: 1, typeSize: 2)
        case .q4_0: Traits(name: "Q4_0", blockSize: 32, typeSize: 2 + 16)
        case .q4_1: Traits(name: "Q4_1", blockSize: 32, typeSize: 2 + 2 + 16)
        case .q5_0: Traits(name: "Q5_0", blockSize: 32, typeSize: 2 + 4 + 16)
        case .q5_1: Traits(name: "Q5_1", blockSize: 32, typeSize: 2 + 2 + 4 + 16)
        case .q8_0: Traits(name: "Q8_0", blockSize: 32, typeSize: 2 + 32)
        case .q8_1: Traits(name: "Q8_1", blockSize: 32, typeSize: 2 + 2 + 32)
        case .q2_K: Traits(name: "Q2_K", blockSize: 256, typeSize: 16 + 64 + 2 + 2)
        case .q3_K: Traits(name: "Q3_K", blockSize: 256, typeSize: 32 + 64 + 12 + 2)
        case .q4_K: Traits(name: "Q4_K", blockSize: 256, typeSize: 2 + 2 + 12 + 128)
        case .q5_K: Traits(name: "Q5_K", blockSize: 256, typeSize: 2 + 2 + 12 + 32 + 128)
        case .q6_K: Traits(name: "Q6_K", blockSize: 256, typeSize: 128 + 64 + 16 + 2)
        case .q8_K: Traits(name: "Q8_K", blockSize: 256, typeSize: 4 + 256 + 32)
        case .iq2_XXS: Traits(name: "IQ2_XXS", blockSize: 256, typeSize: 2 + 64)
        case .iq2_XS: Traits(name: "IQ2_XS", blockSize: 256, typeSize: 2 + 64 + 8)
        case .iq3_XXS: Traits(name: "IQ3_XXS", blockSize: 256, typeSize: 2 + 96)
        case .iq1_S: Traits(name: "IQ1_S", blockSize: 256, typeSize: 2 + 32 + 16)
        case .iq4_NL: Traits(name: "IQ4_NL", blockSize: 32, typeSize: 2 + 16)
        case .iq3_S: Traits(name: "IQ3_S", blockSize: 256, typeSize: 2 + 64 + 8 + 32 + 4)
        case .iq2_S: Traits(name: "IQ2_S", blockSize: 256, typeSize: 2 + 64 + 8 + 8)
        case .iq4_XS: Traits(name: "IQ4_XS", blockSize: 256, typeSize: 2 + 2 + 4 + 128)
        case .i8: Traits(name: "I8", blockSize: 1, typeSize: 1)
        case .i16: Traits(name: "I16", blockSize: 1, typeSize: 2)
        case .i32: Traits(name: "I32", blockSize: 1, typeSize: 4)
        case .i64: Traits(name: "I64", blockSize: 1, typeSize: 8)
        case .f64: Traits(name: "F64", blockSize: 1, typeSize: 8)
        case .iq1_M: Traits(name: "IQ1_M", blockSize: 256, typeSize: 32 + 16 + 8)
        case .bf16: Traits(name: "BF16", blockSize: 1, typeSize: 2)
        case .tq1_0: Traits(name: "TQ1_0", blockSize: 256, typeSize: 48 + 4 + 2)
        case .tq2_0: Traits(name: "TQ2_0", blockSize: 256, typeSize: 64 + 2)
        case .mxfp4: Traits(name: "MXFP4", blockSize: 32, typeSize: 1 + 16)
        case .nvfp4: Traits(name: "NVFP4", blockSize: 64, typeSize: 4 + 32)
        case .q1_0: Traits(name: "Q1_0", blockSize: 128, typeSize: 2 + 16)
        }
    }
}
