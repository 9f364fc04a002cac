import GGUF

/// A llama.cpp file type (`llama_ftype`) as `llama-quantize` names it on its command line:
/// the mix a whole model is quantized to (`Q4_K_M`, `IQ4_XS`, `Q8_0`, …) and the tensor type
/// most of its weights get (`llama_ftype_get_default_type`).
public struct QuantizationFileType: Sendable, Equatable, CustomStringConvertible {
    /// The name as llama-quantize lists it (`Q4_K_M`; `Q4_K` is its alias).
    public let name: String
    /// The `general.file_type` value written into the output.
    public let id: Int
    /// The tensor type of the mix's ordinary weights; nil for a ggml type GGMLType cannot name.
    public let defaultType: GGMLType?
    /// `COPY`: every tensor is copied as it is (llama-quantize's `only_copy`).
    public var isCopy: Bool { name == "COPY" }

    public var description: String { name }

    /// llama-quantize's list (`QUANT_OPTIONS`), in its order: parsing takes the first match.
    public static let all: [QuantizationFileType] = [
        .init("Q1_0", 40, .q1_0), .init("Q2_0", 41, nil), .init("Q4_0", 2, .q4_0), .init("Q4_1", 3, .q4_1),
        .init("MXFP4_MOE", 38, .mxfp4), .init("Q5_0", 8, .q5_0), .init("Q5_1", 9, .q5_1),
        .init("IQ2_XXS", 19, .iq2_XXS), .init("IQ2_XS", 20, .iq2_XS), .init("IQ2_S", 28, .iq2_XS),
        .init("IQ2_M", 29, .iq2_S), .init("IQ1_S", 24, .iq1_S), .init("IQ1_M", 31, .iq1_M),
        .init("TQ1_0", 36, .tq1_0), .init("TQ2_0", 37, .tq2_0), .init("Q2_K", 10, .q2_K), .init("Q2_K_S", 21, .q2_K),
        .init("IQ3_XXS", 23, .iq3_XXS), .init("IQ3_S", 26, .iq3_S), .init("IQ3_M", 27, .iq3_S),
        .init("Q3_K", 12, .q3_K), .init("IQ3_XS", 22, .iq3_S), .init("Q3_K_S", 11, .q3_K), .init("Q3_K_M", 12, .q3_K),
        .init("Q3_K_L", 13, .q3_K), .init("IQ4_NL", 25, .iq4_NL), .init("IQ4_XS", 30, .iq4_XS),
        .init("Q4_K", 15, .q4_K), .init("Q4_K_S", 14, .q4_K), .init("Q4_K_M", 15, .q4_K),
        .init("Q5_K", 17, .q5_K), .init("Q5_K_S", 16, .q5_K), .init("Q5_K_M", 17, .q5_K), .init("Q6_K", 18, .q6_K),
        .init("Q8_0", 7, .q8_0), .init("F16", 1, .f16), .init("BF16", 32, .bf16), .init("F32", 0, .f32),
        .init("COPY", 0, .f32),
    ]

    private init(_ name: String, _ id: Int, _ defaultType: GGMLType?) {
        self.name = name
        self.id = id
        self.defaultType = defaultType
    }

    /// The file type named `text` (any case), or given by its number, as llama-quantize parses
    /// it; aliases resolve to their mix (`Q4_K` → id 15, named `Q4_K` as llama-quantize prints it).
    public static func parse(_ text: String) -> QuantizationFileType? {
        let wanted = text.uppercased()
        if let match = all.first(where: { $0.name == wanted }) { return match }
        guard let number = Int(wanted) else { return nil }
        return all.first { $0.id == number }
    }

    /// Shorthand for the mixes the rules compare against.
    func `is`(_ names: String...) -> Bool { names.contains(canonicalName) }

    /// The mix's own name (`Q4_K` → `Q4_K_M`), which the type rules test.
    var canonicalName: String {
        switch name {
        case "Q3_K": "Q3_K_M"
        case "Q4_K": "Q4_K_M"
        case "Q5_K": "Q5_K_M"
        case "COPY": "F32"
        default: name
        }
    }
}
