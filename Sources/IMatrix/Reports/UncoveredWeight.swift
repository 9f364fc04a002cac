/// A weight of the model that the imatrix has no entry for, and what llama-quantize does with
/// it (src/llama-quant.cpp of the vendored llama.cpp):
///
/// - `ffn_gate_inp` (routers) are never quantized, so missing importance changes nothing;
/// - every other weight is quantized without importance ("did not find weights for …"), and
///   llama-quantize stops with "Missing importance matrix for tensor … in a very low-bit
///   quantization" when its target type is IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S or IQ3_XXS, or
///   Q2_K in a Q2_K_S file (`tensor_requires_imatrix`; only `token_embd` and `output` are exempt).
public struct UncoveredWeight: Sendable, Equatable, Encodable {
    /// What llama-quantize does with the weight.
    public enum Treatment: String, Sendable, Equatable, Encodable {
        /// Kept in its stored type (routers).
        case notQuantized = "not-quantized"
        /// Quantized without importance; a very-low-bit target type is refused.
        case quantizedWithoutImportance = "quantized-without-importance"
    }

    /// The tensor name.
    public let name: String
    public let treatment: Treatment
    /// Why llama-imatrix collects nothing for it, when known: the block is a NextN
    /// (multi-token-prediction) block, which llama-imatrix never executes.
    public let reason: String?

    /// The target types for which llama-quantize refuses a weight without importance.
    public static let refusedTypes = "IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, and Q2_K in Q2_K_S"

    /// Classifies `name`; `nextPredictionBlocks` are the layers holding `nextn.*` tensors.
    public init(name: String, nextPredictionBlocks: Set<Int>) {
        self.name = name
        treatment = name.contains("ffn_gate_inp.weight") ? .notQuantized : .quantizedWithoutImportance
        reason = Self.layer(of: name).map(nextPredictionBlocks.contains) == true
            ? "a NextN (multi-token prediction) block, which llama-imatrix never executes" : nil
    }

    /// What llama-quantize does, in words.
    public var consequence: String {
        switch treatment {
        case .notQuantized: "llama-quantize keeps them unquantized (routers), so nothing is lost"
        case .quantizedWithoutImportance: "llama-quantize quantizes them without importance and refuses \(Self.refusedTypes) for them"
        }
    }

    /// The layers of `tensorNames` that hold `blk.N.nextn.*` tensors.
    public static func nextPredictionBlocks(in tensorNames: some Sequence<String>) -> Set<Int> {
        Set(tensorNames.filter { $0.contains(".nextn.") }.compactMap(layer(of:)))
    }

    private static func layer(of name: String) -> Int? { Int(TensorLabel(name: name).layer) }
}
