import GGUF

/// A `--tensor-type PATTERN=TYPE` rule: tensors whose name the regular expression matches
/// (anywhere, as `std::regex_search`) get `type`; the first matching rule wins.
public struct TensorTypeOverride: Sendable, Equatable {
    public let pattern: String
    public let type: GGMLType

    public init(pattern: String, type: GGMLType) {
        self.pattern = pattern
        self.type = type
    }
}

/// What decides a model's per-tensor types besides the model itself (llama-quantize's options).
public struct MixOptions: Sendable {
    public var fileType: QuantizationFileType
    public var pure = false
    public var quantizeOutput = true
    public var outputTensorType: GGMLType?
    public var tokenEmbeddingType: GGMLType?
    public var overrides: [TensorTypeOverride] = []
    public var hasImportance = false
    /// `--keep-split`: tensors in file order, split by split, instead of llama.cpp's name order.
    public var keepSplit = false

    public init(fileType: QuantizationFileType) {
        self.fileType = fileType
    }
}

/// One input tensor as the planner sees it.
public struct MixInput: Sendable {
    public let name: String
    public let type: GGMLType
    public let shape: [Int]
    /// The split file it is stored in and its offset there (the order `--keep-split` keeps).
    public let split: Int
    public let offset: Int

    public init(name: String, type: GGMLType, shape: [Int], split: Int = 0, offset: Int = 0) {
        self.name = name
        self.type = type
        self.shape = shape
        self.split = split
        self.offset = offset
    }
}

/// The type chosen for one tensor, and why.
public struct PlannedTensor: Sendable, Equatable {
    public let name: String
    public let sourceType: GGMLType
    public let shape: [Int]
    /// The input split file it came from.
    public let split: Int
    public let category: TensorCategory
    /// Whether llama-quantize quantizes this tensor at all (else it is copied).
    public let allowsQuantization: Bool
    public let targetType: GGMLType
    /// The type before the row-length fallback, when one applied.
    public let fallbackFrom: GGMLType?
    /// The `--tensor-type` pattern that chose the type.
    public let overridePattern: String?
    /// Whether quantizing to `targetType` without importance data is refused (IQ1/IQ2/IQ3_XXS, Q2_K in Q2_K_S).
    public let requiresImportance: Bool

    /// Whether the tensor's bytes change.
    public var isConverted: Bool { targetType != sourceType }

    /// A tensor given `targetType` directly (not by a file type's mix).
    public init(
        name: String, sourceType: GGMLType, shape: [Int], split: Int = 0, category: TensorCategory? = nil,
        allowsQuantization: Bool = true, targetType: GGMLType, fallbackFrom: GGMLType? = nil, overridePattern: String? = nil,
        requiresImportance: Bool = false
    ) {
        self.name = name
        self.sourceType = sourceType
        self.shape = shape
        self.split = split
        self.category = category ?? TensorCategory(name: name)
        self.allowsQuantization = allowsQuantization
        self.targetType = targetType
        self.fallbackFrom = fallbackFrom
        self.overridePattern = overridePattern
        self.requiresImportance = requiresImportance
    }
}

/// Chooses every tensor's type as llama-quantize does (`llama_tensor_get_type`) and puts the
/// tensors in its order.
public enum TensorTypePlanner {
    /// The plan for `tensors` of `model` under `options`, in llama-quantize's tensor order.
    /// - Throws: ``MixError`` for a bad `--tensor-type` pattern, a pattern that matches no
    ///   tensor, a tensor whose layer cannot be read, or a type without fallback.
    public static func plan(_ tensors: [MixInput], model: MixModel, options: MixOptions) throws(MixError) -> [PlannedTensor] {
        let ordered = options.keepSplit
            ? tensors.sorted { ($0.split, $0.offset) < ($1.split, $1.offset) }
            : tensors.sorted { WeightOrder.precedes($0.name, $1.name) }
        let patterns = try compile(options.overrides, names: ordered.map(\.name))
        let categories = ordered.map { TensorCategory(name: $0.name) }
        var rules = MixRules(
            model: model, fileType: options.fileType, hasImportance: options.hasImportance,
            outputTensorType: options.outputTensorType, tokenEmbeddingType: options.tokenEmbeddingType,
            tiedEmbeddings: !categories.contains(.output), valueTensorCount: categories.filter(\.isValueLike).count)
        var plan: [PlannedTensor] = []
        for (tensor, category) in zip(ordered, categories) {
            let allows = QuantizationEligibility.allows(
                name: tensor.name, dimensions: QuantizationEligibility.dimensionCount(tensor.shape),
                architecture: model.architecture, quantizeOutput: options.quantizeOutput, onlyCopy: options.fileType.isCopy)
            var target = tensor.type
            var fallbackFrom: GGMLType?
            var pattern: String?
            if allows {
                (target, fallbackFrom, pattern) = try choose(tensor, category: category, options: options, patterns: patterns, rules: &rules)
                guard tensor.shape[0] % target.blockSize == 0 else {
                    throw MixError(tensor: tensor.name, message: "row length \(tensor.shape[0]) is not a multiple of \(target.name)'s block size \(target.blockSize), and an explicitly chosen type gets no fallback")
                }
            }
            plan.append(PlannedTensor(
                name: tensor.name, sourceType: tensor.type, shape: tensor.shape, split: tensor.split, category: category, allowsQuantization: allows,
                targetType: target, fallbackFrom: fallbackFrom, overridePattern: pattern,
                requiresImportance: requiresImportance(tensor.name, target, options.fileType)))
        }
        return plan
    }

    private static func choose(
        _ tensor: MixInput, category: TensorCategory, options: MixOptions,
        patterns: [(String, Regex<AnyRegexOutput>, GGMLType)], rules: inout MixRules
    ) throws(MixError) -> (GGMLType, GGMLType?, String?) {
        let match = patterns.first { tensor.name.contains($0.1) }
        if let embedding = options.tokenEmbeddingType, category == .tokenEmbedding,
           !(tensor.name == "per_layer_token_embd.weight" && match != nil) {
            return (embedding, nil, nil)
        }
        if let output = options.outputTensorType, category == .output { return (output, nil, nil) }
        guard let base = options.fileType.defaultType, base.isQuantized else {
            return (options.fileType.defaultType ?? tensor.type, nil, nil)
        }
        var type = base
        if let match {
            type = match.2
        } else if !options.pure {
            type = try rules.choose(base, name: tensor.name, rowLength: tensor.shape[0],
                                    matrices: tensor.shape.count > 2 ? tensor.shape[2] : 1, category: category)
        }
        let resolved = try TypeFallback.resolve(type, rowLength: tensor.shape[0], tensor: tensor.name)
        return (resolved, resolved == type ? nil : type, match?.0)
    }

    /// llama-quantize's `tensor_requires_imatrix`.
    static func requiresImportance(_ name: String, _ type: GGMLType, _ fileType: QuantizationFileType) -> Bool {
        if TensorCategory.isTokenEmbedding(name) || name == "output.weight" { return false }
        switch type {
        case .iq3_XXS, .iq2_XXS, .iq2_XS, .iq2_S, .iq1_M, .iq1_S: return true
        case .q2_K: return fileType.is("Q2_K_S")
        case .f32, .f16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1, .q3_K, .q4_K, .q5_K, .q6_K, .q8_K, .iq4_NL, .iq3_S,
             .iq4_XS, .i8, .i16, .i32, .i64, .f64, .bf16, .tq1_0, .tq2_0, .mxfp4, .nvfp4, .q1_0: return false
        }
    }

    private static func compile(_ overrides: [TensorTypeOverride], names: [String]) throws(MixError) -> [(String, Regex<AnyRegexOutput>, GGMLType)] {
        var compiled: [(String, Regex<AnyRegexOutput>, GGMLType)] = []
        for rule in overrides {
            let regex: Regex<AnyRegexOutput>
            do { regex = try Regex(rule.pattern) } catch {
                throw MixError(tensor: "--tensor-type \(rule.pattern)", message: "not a regular expression: \(error)")
            }
            guard names.contains(where: { $0.contains(regex) }) else {
                throw MixError(tensor: "--tensor-type \(rule.pattern)=\(rule.type.name)", message: "the pattern matches no tensor of the model")
            }
            compiled.append((rule.pattern, regex, rule.type))
        }
        return compiled
    }
}
