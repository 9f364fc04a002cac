/// The fuzz targets by name, as `imx fuzz TARGET` takes them.
public enum FuzzTargets {
    /// Every target name, in the order `scripts/fuzz` runs them.
    public static let names = ["gguf", "imatrix-gguf", "imatrix-dat", "sweep-config", "formula", "tokenizer", "vocabulary"]

    /// The target called `name`; `model` is the tokenizer target's model.
    /// - Throws: ``FuzzSetupError`` for an unknown name or a target that cannot start.
    public static func make(_ name: String, model: String?) throws -> any FuzzTarget {
        switch name {
        case "gguf": GGUFFuzzTarget()
        case "imatrix-gguf": ImatrixGGUFFuzzTarget()
        case "imatrix-dat": ImatrixDatFuzzTarget()
        case "sweep-config": SweepConfigFuzzTarget()
        case "formula": FormulaFuzzTarget()
        case "tokenizer": try TokenizerFuzzTarget(model: model)
        case "vocabulary": VocabularyFuzzTarget()
        default: throw FuzzSetupError(description: "unknown fuzz target '\(name)' (targets: \(names.joined(separator: ", ")))")
        }
    }
}
