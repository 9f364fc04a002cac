import GGUF
import Model
import Quantization

/// Which tensor gets which type: the config's recipe rules, first match wins.
public struct TensorRecipe: Sendable {
    /// What a rule assigns.
    public enum Assignment: Sendable, Equatable {
        /// Leave the tensor as the model stores it.
        case keep
        /// The swept type of the grid point.
        case swept
        case fixed(GGMLType)
    }

    /// One rule: a regex searched in the name, and what it assigns.
    public struct Rule: @unchecked Sendable {
        // @unchecked: Regex is immutable after compilation.
        public let pattern: String
        let regex: Regex<AnyRegexOutput>
        public let assignment: Assignment
    }

    /// One quantized tensor of a grid point.
    public struct Choice: Sendable {
        public let matrix: ModelMatrix
        public let requested: GGMLType
        /// After llama-quantize's fallback for row lengths the requested type cannot take.
        public let used: GGMLType
    }

    public let rules: [Rule]

    /// Compiles the config's rules.
    public init(_ rules: [SweepConfig.RecipeRule], sweeps: Bool, file: String) throws(SweepConfigError) {
        guard !rules.isEmpty else { throw SweepConfigError(file: file, path: "recipe", message: "the recipe is empty: give at least one rule") }
        var compiled: [Rule] = []
        for (index, rule) in rules.enumerated() {
            let regex: Regex<AnyRegexOutput>
            do { regex = try Regex(rule.tensors) } catch {
                throw SweepConfigError(file: file, path: "recipe[\(index)].tensors", message: "bad regular expression '\(rule.tensors)': \(error)", cause: error)
            }
            let assignment: Assignment
            switch rule.type {
            case "keep": assignment = .keep
            case "TYPE":
                guard sweeps else {
                    throw SweepConfigError(file: file, path: "recipe[\(index)].type", message: "TYPE needs a non-empty \"types\" list")
                }
                assignment = .swept
            default: assignment = .fixed(try Self.quantizableType(rule.type, file: file, path: "recipe[\(index)].type"))
            }
            compiled.append(Rule(pattern: rule.tensors, regex: regex, assignment: assignment))
        }
        self.rules = compiled
    }

    /// A type name the quantizers take.
    static func quantizableType(_ name: String, file: String, path: String) throws(SweepConfigError) -> GGMLType {
        switch QuantizableType.named(name) {
        case .success(let type): return type
        case .failure(let problem): throw SweepConfigError(file: file, path: path, message: problem.message)
        }
    }

    /// The tensors of `matrices` a grid point with swept type `swept` quantizes.
    public func choices(for matrices: [ModelMatrix], swept: GGMLType?) -> [Choice] {
        matrices.compactMap { matrix in
            guard let rule = rules.first(where: { matrix.name.contains($0.regex) }) else { return nil }
            let requested: GGMLType
            switch rule.assignment {
            case .keep: return nil
            case .swept: guard let swept else { return nil }; requested = swept
            case .fixed(let type): requested = type
            }
            return Choice(matrix: matrix, requested: requested, used: Self.fallback(requested, columns: matrix.inFeatures))
        }
    }

    /// Rules that match no matrix of the model (a likely typo).
    public func unmatchedRules(_ matrices: [ModelMatrix]) -> [Int] {
        rules.indices.filter { index in !matrices.contains { $0.name.contains(rules[index].regex) } }
    }

    /// llama-quantize's fallback when `columns` is not a multiple of the type's block size
    /// (`tensor_type_fallback`): 256-block i-quants → IQ4_NL; Q2_K, Q3_K, TQ1_0, TQ2_0 → Q4_0;
    /// Q4_K → Q5_0; Q5_K → Q5_1; Q6_K → Q8_0; F16 when even that does not fit.
    public static func fallback(_ type: GGMLType, columns: Int) -> GGMLType {
        (try? TypeFallback.resolve(type, rowLength: columns, tensor: "")) ?? .f16
    }
}
