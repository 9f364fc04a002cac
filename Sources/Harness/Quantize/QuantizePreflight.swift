import GGUF
import IMatrix
import Quantization
import Weighting

/// Everything `imx quantize` checks before it creates the output: the type plan, types it can
/// read and write, requantizing, the imatrix's fit to the model, and llama-quantize's guard for
/// very-low-bit types without importance data (which llama.cpp only hits mid-run).
enum QuantizePreflight {
    static func plan(_ settings: QuantizeSettings, file: GGUFFile, metadata: GGUFMetadata, importance: ImportanceMatrix?) throws -> [PlannedTensor] {
        guard let base = settings.fileType.defaultType, canWrite(base) else {
            throw QuantizeError(file: "TYPE", field: settings.fileType.name, message: "imx has no quantizer for this file type's tensor type")
        }
        var options = MixOptions(fileType: settings.fileType)
        options.pure = settings.pure
        options.quantizeOutput = !settings.leaveOutputTensor
        options.outputTensorType = settings.outputTensorType
        options.tokenEmbeddingType = settings.tokenEmbeddingType
        options.overrides = settings.tensorTypes
        options.hasImportance = importance != nil
        options.keepSplit = settings.keepSplit
        let model = try MixModel(metadata: metadata)
        let inputs = file.tensors.map {
            MixInput(name: $0.name, type: $0.type, shape: $0.shape, split: file.splitIndex(of: $0), offset: $0.offset)
        }
        let plan: [PlannedTensor]
        do { plan = try TensorTypePlanner.plan(inputs, model: model, options: options) } catch {
            throw QuantizeError(file: file.path, field: error.tensor, message: error.message, cause: error)
        }
        try checkFormulas(settings, names: plan.map(\.name), importance: importance)
        if let importance { try checkImportance(importance, plan: plan, model: file.path) }
        for tensor in plan { try check(tensor, settings: settings, file: file.path, importance: importance) }
        return plan
    }

    private static func canWrite(_ type: GGMLType) -> Bool { type == .f32 || RowQuantizer.supports(type) }

    private static func check(_ tensor: PlannedTensor, settings: QuantizeSettings, file: String, importance: ImportanceMatrix?) throws {
        if importance == nil && tensor.allowsQuantization && tensor.requiresImportance && !settings.dryRun {
            throw QuantizeError(file: file, field: tensor.name,
                                message: "\(tensor.targetType.name) requires an importance matrix (--imatrix); nothing was written")
        }
        guard tensor.isConverted else { return }
        if importance != nil && tensor.requiresImportance && importance?.entry(named: tensor.name) == nil {
            throw QuantizeError(file: settings.imatrix ?? "--imatrix", field: tensor.name,
                                message: "no importance data for this tensor, which \(tensor.targetType.name) requires; nothing was written")
        }
        if tensor.sourceType.isQuantized && !settings.allowRequantize {
            throw QuantizeError(file: file, field: tensor.name,
                                message: "requantizing from type \(tensor.sourceType.name) is disabled (use --allow-requantize)")
        }
        if tensor.sourceType != .f32 && !Dequantizer.supports(tensor.sourceType) {
            throw QuantizeError(file: file, field: tensor.name, message: "cannot read type \(tensor.sourceType.name)")
        }
        if !canWrite(tensor.targetType) {
            throw QuantizeError(file: file, field: tensor.name, message: "imx has no quantizer for \(tensor.targetType.name)")
        }
    }

    /// Every entry must be a tensor of this model with one value per column and matrix, and finite.
    private static func checkImportance(_ importance: ImportanceMatrix, plan: [PlannedTensor], model: String) throws {
        let tensors = Dictionary(plan.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for entry in importance.entries.sorted(by: { $0.name < $1.name }) {
            let name = entry.name
            guard let tensor = tensors[name] else {
                throw QuantizeError(file: importance.path, field: name,
                                    message: "\(model) has no such tensor: is the imatrix from another model?")
            }
            let expected = tensor.shape[0] * (tensor.shape.count > 2 ? tensor.shape[2] : 1)
            if entry.values.count != expected && !TensorCategory.isTokenEmbedding(name) {
                throw QuantizeError(file: importance.path, field: name,
                                    message: "\(entry.values.count) values, the model's tensor \(tensor.shape) needs \(expected): is the imatrix from another model?")
            }
            if let index = entry.values.firstIndex(where: { !$0.isFinite }) {
                throw QuantizeError(file: importance.path, field: "\(name)[\(index)]", message: "\(entry.values[index]) is not a finite importance")
            }
        }
    }

    private static func checkFormulas(_ settings: QuantizeSettings, names: [String], importance: ImportanceMatrix?) throws {
        for rule in settings.formulas.rules where !names.contains(where: { $0.contains(rule.regex) }) {
            throw QuantizeError(file: "--formula", field: "\(rule.pattern)=\(rule.formula)", message: "the pattern matches no tensor of the model")
        }
        let all = [settings.formulas.defaultFormula] + settings.formulas.rules.map(\.formula)
        if importance == nil, let needy = all.first(where: \.needsImportance) {
            throw QuantizeError(file: "--formula", field: needy.description, message: "this formula reads importance: give --imatrix")
        }
    }
}
