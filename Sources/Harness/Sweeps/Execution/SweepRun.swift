import Foundation
import GGUF
import IMatrix
import Kernels
import Model
import Weighting

/// `imx sweep` as a library call: imatrix (computed or reused), reference distributions
/// (recorded once per text into the output's `cache/`), then every pending grid point —
/// quantize, score, evaluate, append to `results.jsonl` — and finally the report.
public struct SweepRun {
    /// How to run the plan.
    public struct Options: Sendable {
        public var resume = false
        /// Start over: move the output's earlier results and report into
        /// `OUTPUT/replaced/STAMP/` (nothing is deleted), then run every selected point.
        public var restart = false
        /// Only these variants (exact names).
        public var only: [String] = []
        public var dryRun = false
        /// `(i, n)`: every n-th point starting at i (0-based).
        public var shard: (index: Int, count: Int)?
        public init() {}
    }

    /// What a finished run did.
    public struct Summary: Sendable {
        public var pointsRun: Int
        public var pointsSkipped: Int
        public var seconds: Double
        /// Mean seconds per point run (quantization + evaluation on the evaluation text), and the
        /// evaluation's seconds per point per evaluation token.
        public var secondsPerPoint: Double
        public var secondsPerPointPerToken: Double
        public var evaluationTokens: Int
        public var reportPath: String?
        public var records: [SweepRecord]
        /// Every selected point was already in the results: nothing was computed, the report
        /// was rebuilt from the records.
        public var upToDate = false
        /// Where `--restart` moved the earlier results, if it moved any.
        public var replacedFolder: String?
    }

    public let plan: SweepPlan
    public let options: Options

    public init(plan: SweepPlan, options: Options) {
        self.plan = plan
        self.options = options
    }

    var resultsPath: String {
        guard let shard = options.shard else { return plan.output + "/results.jsonl" }
        return plan.output + "/results.shard-\(shard.index)-of-\(shard.count).jsonl"
    }

    /// The grid points this invocation is responsible for.
    public func selectedPoints() throws(SweepConfigError) -> [SweepPlan.Point] {
        var points = plan.points
        if let shard = options.shard { points = points.filter { $0.index % shard.count == shard.index } }
        if !options.only.isEmpty {
            for name in options.only where !plan.points.contains(where: { $0.variant == name }) {
                throw SweepConfigError(file: plan.configPath, path: "--only",
                                       message: "no grid point '\(name)' (points: \(plan.points.map(\.variant).joined(separator: ", ")))")
            }
            points = points.filter { options.only.contains($0.variant) }
        }
        return points
    }

    /// Runs the sweep; `log` receives progress lines.
    public func run(log: (String) -> Void) throws -> Summary {
        let started = Date()
        for warning in plan.warnings { log(warning) }
        let points = try selectedPoints()
        var existing = try SweepResultsFile.read(path: resultsPath)
        var replacedFolder: String?
        if options.restart && !options.dryRun && !existing.records.isEmpty {
            replacedFolder = try SweepOutputArchive.moveAside(output: plan.output, resultsPath: resultsPath)
            log("restart: earlier results of \(plan.output) moved to \(replacedFolder!)")
            existing = ([], 0)
        }
        let known = options.restart ? [] : existing.records
        if let foreign = known.first(where: { $0.fingerprint != plan.fingerprint }) {
            throw SweepConfigError(file: resultsPath, path: "fingerprint", message: "results were made with a different model, text, imatrix or recipe (fingerprint \(foreign.fingerprint), this config \(plan.fingerprint)); name another output folder with -o, or pass --restart to move them aside and start over")
        }
        let done = Set(known.map(\.variant))
        // By imatrix, and baselines first, so that every other point is paired with its baseline
        // when it is scored.
        let unscored = points.filter { !done.contains($0.variant) }
        let pending = unscored.sorted { a, b in
            (a.imatrix, a.formula.name == plan.baseline ? 0 : 1, a.index) < (b.imatrix, b.formula.name == plan.baseline ? 0 : 1, b.index)
        }
        if options.dryRun {
            log(dryRunListing(points: points, done: done))
            return Summary(pointsRun: 0, pointsSkipped: points.count - pending.count, seconds: 0, secondsPerPoint: 0,
                           secondsPerPointPerToken: 0, evaluationTokens: 0, reportPath: nil, records: known)
        }
        if pending.isEmpty && !known.isEmpty {
            // Complete: nothing to compute; the report is a pure function of the records.
            let records = PairedScores.completed(known, baseline: plan.baseline, caches: [plan.output + "/cache"])
            try SweepReport.write(description: plan.description, records: records, to: plan.output)
            return Summary(pointsRun: 0, pointsSkipped: points.count, seconds: Date().timeIntervalSince(started), secondsPerPoint: 0,
                           secondsPerPointPerToken: 0, evaluationTokens: 0, reportPath: plan.output + "/report.md", records: records,
                           upToDate: true)
        }
        if !known.isEmpty && !options.resume {
            throw SweepConfigError(file: resultsPath, path: "results", message: "already holds \(known.count) results (\(points.count - pending.count) of the \(points.count) selected points); pass --resume to continue it, or --restart to move these results aside and start over")
        }
        log("sweep \(plan.config.name): \(pending.count) of \(points.count) points to run → \(plan.output)")
        try ReportFile.makeDirectory(plan.output)
        let cache = plan.output + "/cache"
        try ReportFile.makeDirectory(cache)
        try ReportFile.write(Self.describe(plan), to: plan.output + "/sweep.json")
        if existing.validLength < (try? FileManager.default.attributesOfItem(atPath: resultsPath)[.size] as? Int) ?? 0 {
            log("results: dropping a torn last line of \(resultsPath)")
            try SweepResultsFile.truncate(path: resultsPath, to: existing.validLength)
        }

        let calibrationText = try SweepTexts.combined(plan.config.calibration.texts, name: "calibration", cache: cache)
        let evaluationText = try SweepTexts.combined(plan.config.evaluation.texts, name: "evaluation", cache: cache)
        let model = try TransformerModel(file: GGUFFile(path: plan.config.model),
                                         options: ModelOptions(threads: plan.threads, activationPrecision: plan.precision))
        // Tokenize and chunk before any long computation, so a short text fails at once.
        let evaluationPlan = try ChunkedTextRun.plan(model: model, textPath: evaluationText,
                                                     contextLength: plan.evaluationContext, chunks: plan.config.evaluation.chunks)
        let calibrationPlan = try ChunkedTextRun.plan(model: model, textPath: calibrationText,
                                                      contextLength: plan.calibrationContext, chunks: plan.config.calibration.chunks)
        // Each imatrix the pending points need, computed (or reused) once; every setting's text
        // is checked first.
        try SweepImatrix.checkTexts(plan: plan, settings: Set(pending.map(\.imatrix)).sorted(), model: model, cache: cache)
        var importances: [Int: ImportanceMatrix] = [:]
        for setting in Set(pending.map(\.imatrix)).sorted() {
            importances[setting] = try SweepImatrix.obtain(plan: plan, setting: plan.imatrixSettings[setting], cache: cache, log: log)
        }
        let chunksPerBatch = { (context: Int) in max(1, 2048 / context) }
        var references: [(name: String, plan: PerplexityPlan, file: LogProbabilityFile, base: Double)] = []
        if plan.endToEnd && !pending.isEmpty {
            var texts = [("evaluation", evaluationPlan)]
            if plan.calibrationEndToEnd { texts.append(("calibration", calibrationPlan)) }
            for (name, textPlan) in texts {
                let evaluator = DivergenceEvaluator(model: model, plan: textPlan, chunksPerBatch: chunksPerBatch(textPlan.contextLength))
                let reference = try SweepReference.obtain(name: name, evaluator: evaluator, fingerprint: plan.fingerprint,
                                                          cache: cache, log: log)
                references.append((name, textPlan, reference.file, reference.basePerplexity))
            }
        }

        let quantizer = VariantQuantizer(model: model, importance: importances[pending.first?.imatrix ?? 0]
                                            ?? ImportanceMatrix(path: "<none>", format: .gguf, entries: [], datasets: [], chunkCount: nil, chunkSize: nil),
                                         threads: plan.threads)
        let matrices = model.matrices
        var quantizationSeconds = 0.0, evaluationSeconds = 0.0
        for (number, point) in pending.enumerated() {
            let pointStart = Date()
            let choices = plan.recipe.choices(for: matrices, swept: point.swept)
            model.restoreAllWeights()
            if let importance = importances[point.imatrix] { quantizer.importance = importance }
            let tensors = try quantizer.apply(choices, formula: point.formula.formula)
            var timing = SweepRecord.Timing(quantization: Date().timeIntervalSince(pointStart))
            var scores: [String: SweepRecord.EndToEndScore] = [:]
            for reference in references {
                let evaluationStart = Date()
                let evaluator = DivergenceEvaluator(model: model, plan: reference.plan,
                                                    chunksPerBatch: chunksPerBatch(reference.plan.contextLength))
                let statistics = try evaluator.compare(with: reference.file)
                var score = SweepScores.endToEnd(statistics, basePerplexity: reference.base)
                let tokens = TokenScores(fingerprint: plan.fingerprint, variant: point.variant, text: reference.name,
                                         perChunk: reference.plan.scoredPerChunk, samples: statistics.samples)
                try tokens.write(to: TokenScores.path(cache: cache, text: reference.name, variant: point.variant))
                if point.formula.name != plan.baseline,
                   let baseline = PairedScores.tokens(variant: "\(point.typeLabel)/\(plan.baseline)", text: reference.name,
                                                      fingerprint: plan.fingerprint, caches: [cache]) {
                    score.paired = PairedScore.between(tokens, baseline)
                }
                scores[reference.name] = score
                let seconds = Date().timeIntervalSince(evaluationStart)
                if reference.name == "evaluation" { timing.evaluation = seconds } else { timing.calibration = seconds }
            }
            quantizationSeconds += timing.quantization
            evaluationSeconds += timing.evaluation
            let record = SweepRecord(
                fingerprint: plan.fingerprint, index: point.index, variant: point.variant, type: point.typeLabel,
                formula: point.formula.name, family: point.formula.family, parameters: point.formula.parameters,
                tensors: tensors, evaluation: scores["evaluation"], calibration: scores["calibration"], seconds: timing,
                imatrix: plan.imatrixSettings.count > 1 ? plan.imatrixSettings[point.imatrix].label : nil)
            try SweepResultsFile.append(record, to: resultsPath)
            log(SweepScores.progressLine(record, number: number + 1, of: pending.count,
                                         seconds: Date().timeIntervalSince(pointStart)))
        }
        model.restoreAllWeights()

        let records = PairedScores.completed(try SweepResultsFile.read(path: resultsPath).records, baseline: plan.baseline, caches: [cache])
        try SweepReport.write(description: plan.description, records: records, to: plan.output)
        let ran = pending.count
        let evaluationTokens = plan.endToEnd ? evaluationPlan.chunkCount * evaluationPlan.contextLength : 0
        return Summary(pointsRun: ran, pointsSkipped: points.count - ran, seconds: Date().timeIntervalSince(started),
                       secondsPerPoint: ran > 0 ? (quantizationSeconds + evaluationSeconds) / Double(ran) : 0,
                       secondsPerPointPerToken: ran > 0 && evaluationTokens > 0 ? evaluationSeconds / Double(ran) / Double(evaluationTokens) : 0,
                       evaluationTokens: evaluationTokens, reportPath: plan.output + "/report.md", records: records,
                       replacedFolder: replacedFolder)
    }

    private func dryRunListing(points: [SweepPlan.Point], done: Set<String>) -> String {
        var lines = ["sweep \(plan.config.name): \(plan.points.count) grid points, \(points.count) selected, \(points.filter { done.contains($0.variant) }.count) already done"]
        for point in points {
            lines.append(String(format: "  %3d  %@  %@", point.index, done.contains(point.variant) ? "done   " : "pending", point.variant))
        }
        lines.append(SweepEstimate.describe(plan: plan, pending: points.filter { !done.contains($0.variant) }.count))
        return lines.joined(separator: "\n")
    }

    static func describe(_ plan: SweepPlan) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = (try? encoder.encode(SweepMerge.Stored(fingerprint: plan.fingerprint, description: plan.description))) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
