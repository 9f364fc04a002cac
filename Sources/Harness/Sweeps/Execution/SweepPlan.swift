import Foundation
import GGUF
import IMatrix
import Kernels
import Model
import Quantization
import Weighting

/// A validated sweep: the config with every file checked, the grid expanded, and the
/// fingerprint of everything that determines the numbers. Every bad config fails here, before
/// any long computation.
public struct SweepPlan: Sendable {
    /// One grid point.
    public struct Point: Sendable {
        public var index: Int
        public var variant: String
        /// The swept type label (`Q4_K`), or `recipe` when the recipe fixes every type.
        public var typeLabel: String
        public var swept: GGMLType?
        public var formula: FormulaPoint
        /// The point's imatrix: an index into ``SweepPlan/imatrixSettings``.
        public var imatrix: Int
    }

    public let configPath: String
    public let config: SweepConfig
    public let points: [Point]
    public let recipe: TensorRecipe
    public let baseline: String
    /// Whether KLD/PPL are measured.
    public let endToEnd: Bool
    public let calibrationEndToEnd: Bool
    public let precision: ActivationPrecision
    public let fingerprint: String
    /// The imatrices the grid runs on: one, or the product of the config's `imatrix` axes.
    public let imatrixSettings: [SweepImatrixSetting]
    /// Warnings to show (e.g. calibration and evaluation text overlap).
    public let warnings: [String]

    public var output: String { config.output! }
    public var threads: Int { config.threads ?? ProcessInfo.processInfo.activeProcessorCount }
    public var evaluationContext: Int { config.evaluation.context ?? 512 }
    public var calibrationContext: Int { config.calibration.context ?? 512 }

    /// Reads, checks and expands the config at `path`; `output` replaces the config's output
    /// folder (see ``SweepConfigLoader/load(path:output:)``).
    public static func make(configPath path: String, output: String? = nil) throws(SweepConfigError) -> SweepPlan {
        let config = try SweepConfigLoader.load(path: path, output: output)
        func fail(_ field: String, _ message: String, cause: (any Error)? = nil) -> SweepConfigError {
            SweepConfigError(file: path, path: field, message: message, cause: cause)
        }
        guard !config.name.isEmpty, !config.name.contains("/") else { throw fail("name", "must be a non-empty name without '/'") }
        if let threads = config.threads, let problem = ThreadBudget.problem(threads: threads) { throw fail("threads", problem) }
        for (field, value) in [("calibration.context", config.calibration.context), ("evaluation.context", config.evaluation.context)] {
            if let value, value < 4 { throw fail(field, "must be at least 4, got \(value)") }
        }
        for (field, value) in [("calibration.chunks", config.calibration.chunks), ("evaluation.chunks", config.evaluation.chunks)] {
            if let value, value < 1 { throw fail(field, "must be at least 1, got \(value)") }
        }
        try SweepImatrixAxes.checkValues(config, fail: fail)
        let precision = config.activations ?? .ggmlCPU
        let metrics = config.metrics ?? SweepMetric.allCases
        let endToEnd = metrics.contains(where: \.isEndToEnd)

        // Files.
        let modelFile: GGUFFile
        do { modelFile = try GGUFFile(path: config.model) } catch { throw fail("model", error.description, cause: error) }
        guard ((try? modelFile.metadata.stringIfPresent("general.architecture")) ?? nil) != nil else {
            throw fail("model", "\(config.model) is not a model (no general.architecture)")
        }
        var texts: [(field: String, path: String, bytes: Data)] = []
        for (section, set) in [("calibration", config.calibration), ("evaluation", config.evaluation)] {
            guard !set.texts.isEmpty else { throw fail("\(section).texts", "give at least one text file") }
            for (index, text) in set.texts.enumerated() {
                guard let bytes = FileManager.default.contents(atPath: text) else {
                    throw fail("\(section).texts[\(index)]", "cannot read \(text)")
                }
                texts.append(("\(section).texts[\(index)]", text, bytes))
            }
        }
        let calibrationTexts = texts.filter { $0.field.hasPrefix("calibration") }
        let evaluationTexts = texts.filter { $0.field.hasPrefix("evaluation") }
        var warnings: [String] = []
        for evaluation in evaluationTexts {
            for calibration in calibrationTexts {
                let same = (evaluation.path as NSString).standardizingPath == (calibration.path as NSString).standardizingPath
                if same || evaluation.bytes == calibration.bytes {
                    throw fail(evaluation.field, "is the calibration text \(calibration.path): held-out scores need a different text")
                }
            }
            let shared = TextOverlap.sharedLineFraction(evaluation.bytes, calibrationTexts.map(\.bytes))
            if shared > 0 {
                warnings.append("WARNING: \(String(format: "%.1f", 100 * shared))% of the lines of \(evaluation.path) also occur in the calibration text; the evaluation is not fully held out")
            }
        }
        var imatrixBytes = Data()
        if let file = config.imatrix?.file {
            do {
                let stored = try ImportanceMatrix.read(path: file)
                try ModelCompatibility.check(stored, against: modelFile)
            } catch { throw fail("imatrix.file", error.description, cause: error) }
            imatrixBytes = FileManager.default.contents(atPath: file) ?? Data()
        }
        try SweepImatrixAxes.checkAgainstModel(config, modelFile: modelFile, fail: fail)
        let imatrixSettings = SweepImatrixSetting.expand(config)
        var imatrixTexts: [(field: String, bytes: Data)] = []
        for (field, text) in SweepImatrixAxes.texts(config) {
            guard let bytes = FileManager.default.contents(atPath: text) else { throw fail(field, "cannot read \(text)") }
            for evaluation in evaluationTexts where (evaluation.path as NSString).standardizingPath == (text as NSString).standardizingPath
                || evaluation.bytes == bytes {
                throw fail(evaluation.field, "is the imatrix text \(text): held-out scores need a different text")
            }
            imatrixTexts.append((field, bytes))
        }

        // Grid.
        let swept = (config.types ?? []).map(\.type)
        if Set(swept).count != swept.count { throw fail("types", "a type appears twice") }
        let recipe = try TensorRecipe(config.recipe, sweeps: !swept.isEmpty, file: path)
        if !swept.isEmpty, !recipe.rules.contains(where: { $0.assignment == .swept }) {
            throw fail("recipe", "\"types\" is given but no rule has type TYPE")
        }
        let matrices = Self.matrices(of: modelFile)
        if let unmatched = recipe.unmatchedRules(matrices).first {
            throw fail("recipe[\(unmatched)].tensors", "'\(recipe.rules[unmatched].pattern)' matches no weight matrix of \(config.model)")
        }
        var formulas = try FormulaGrid.expand(config.formulas, file: path)
        let baselineFormula: any WeightFormula
        do { baselineFormula = try FormulaRegistry.standard.parse(config.baseline ?? "llama") } catch {
            throw fail("baseline", error.description, cause: error)
        }
        // The baseline by the name its grid point gets (`lognormal(0.5)` is `lognormal(lambda=0.5)`).
        let baseline = baselineFormula.description
        if !formulas.contains(where: { $0.name == baseline }) {
            let family = FormulaSpec.text(config.baseline ?? "llama").family
            formulas.insert(FormulaPoint(formula: baselineFormula, family: FormulaRegistry.standard.names.contains(family) ? family : "expr",
                                         parameters: [:]), at: 0)
            warnings.append("note: baseline formula \(baseline) added to the grid")
        }
        for point in formulas {
            if let problem = FormulaProbe.problem(point.formula) { throw fail("formulas", "'\(point.name)' \(problem)") }
        }
        let labels: [(String, GGMLType?)] = swept.isEmpty ? [("recipe", nil)] : swept.map { ($0.name, $0) }
        var points: [Point] = []
        for (setting, imatrix) in imatrixSettings.enumerated() {
            for (name, type) in labels {
                let label = imatrix.typeLabel(name)
                for formula in formulas {
                    points.append(Point(index: points.count, variant: "\(label)/\(formula.name)", typeLabel: label, swept: type,
                                        formula: formula, imatrix: setting))
                }
            }
        }

        var hasher = Fingerprint()
        hasher.add(Fingerprint.sample(ofFile: config.model))
        for text in texts { hasher.add(text.field); hasher.add(text.bytes) }
        // Texts are tokenized with llama.cpp's escape sequences expanded (since 2026-12-02):
        // records made before tokenized some texts differently.
        hasher.add("text escapes expanded")
        hasher.add(imatrixBytes)
        hasher.add("\(config.calibration.context ?? 512)/\(config.calibration.chunks ?? -1)/\(config.evaluation.context ?? 512)/\(config.evaluation.chunks ?? -1)")
        SweepImatrixAxes.fingerprint(config, settings: imatrixSettings, texts: imatrixTexts, into: &hasher)
        hasher.add(config.recipe.map { "\($0.tensors)→\($0.type)" }.joined(separator: "\n"))
        hasher.add("\(precision.rawValue)/\(endToEnd)/\(config.calibrationMetrics ?? true)")
        return SweepPlan(configPath: path, config: config, points: points, recipe: recipe, baseline: baseline,
                         endToEnd: endToEnd, calibrationEndToEnd: endToEnd && (config.calibrationMetrics ?? true),
                         precision: precision, fingerprint: hasher.hex, imatrixSettings: imatrixSettings, warnings: warnings)
    }

    /// What the reports say about this sweep.
    public var description: SweepDescription {
        var formulas: [String] = []
        for point in points where !formulas.contains(point.formula.name) { formulas.append(point.formula.name) }
        var types: [String] = []
        for point in points where !types.contains(point.typeLabel) { types.append(point.typeLabel) }
        return SweepDescription(name: config.name, model: config.model, calibrationTexts: config.calibration.texts,
                                evaluationTexts: config.evaluation.texts, types: types, formulas: formulas,
                                baseline: baseline, recipe: config.recipe.map { "\($0.tensors) → \($0.type)" },
                                gridSize: points.count,
                                imatrixSettings: imatrixSettings.count > 1
                                    ? imatrixSettings.map { setting in
                                        .init(label: setting.label,
                                              file: "cache/" + (SweepImatrix.path(plan: self, setting: setting, cache: "") as NSString).lastPathComponent)
                                    } : nil)
    }

    /// The weight matrices of a model file as the forward pass binds them (2-D and 3-D tensors
    /// named `*.weight`, except norms).
    static func matrices(of file: GGUFFile) -> [ModelMatrix] {
        file.tensors.filter { $0.shape.count >= 2 && $0.name.hasSuffix(".weight") }.map {
            ModelMatrix(name: $0.name, inFeatures: $0.shape[0], outFeatures: $0.shape[1],
                        experts: $0.shape.count >= 3 ? $0.shape[2...].reduce(1, *) : 1, storedType: $0.type)
        }
    }
}
