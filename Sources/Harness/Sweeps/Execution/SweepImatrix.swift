import Foundation
import GGUF
import IMatrix
import Kernels
import Model
import Weighting

/// The imatrix a sweep quantizes with: the config's file, or one computed per imatrix setting
/// into the cache (`cache/imatrix.gguf` for a sweep without axes, `cache/imatrix-HASH.gguf` for
/// each setting of one with axes), reused while the sweep's fingerprint is unchanged.
enum SweepImatrix {
    /// The cache file of `setting`'s imatrix.
    static func path(plan: SweepPlan, setting: SweepImatrixSetting, cache: String) -> String {
        guard plan.imatrixSettings.count > 1 else { return cache + "/imatrix.gguf" }
        var hash = Fingerprint()
        hash.add(setting.key)
        return cache + "/imatrix-\(hash.hex.prefix(12)).gguf"
    }

    /// The text `setting`'s imatrix is computed from: its file, or its files joined in the cache.
    static func text(plan: SweepPlan, setting: SweepImatrixSetting, cache: String) throws -> String {
        let name = setting.texts == plan.config.calibration.texts
            ? "calibration" : ((path(plan: plan, setting: setting, cache: cache) as NSString).deletingPathExtension as NSString).lastPathComponent
        return try SweepTexts.combined(setting.texts, name: name, cache: cache)
    }

    /// Tokenizes and chunks each setting's text as its imatrix run will, so that a text too
    /// short for a setting's context fails before any imatrix is computed.
    static func checkTexts(plan: SweepPlan, settings: [Int], model: TransformerModel, cache: String) throws {
        guard plan.config.imatrix?.file == nil else { return }
        for index in settings {
            let setting = plan.imatrixSettings[index]
            do {
                _ = try ChunkedTextRun.plan(model: model, textPath: try text(plan: plan, setting: setting, cache: cache),
                                            contextLength: setting.context, chunks: setting.chunks)
            } catch {
                let label = setting.label.isEmpty ? "" : "setting \(setting.label): "
                throw SweepConfigError(file: plan.configPath, path: "imatrix", message: label + String(describing: error), cause: error)
            }
        }
    }

    static func obtain(plan: SweepPlan, setting: SweepImatrixSetting, cache: String, log: (String) -> Void) throws -> ImportanceMatrix {
        if let file = plan.config.imatrix?.file {
            log("imatrix: \(file)")
            return try ImportanceMatrix.read(path: file)
        }
        let path = Self.path(plan: plan, setting: setting, cache: cache)
        let name = setting.label.isEmpty ? "imatrix" : "imatrix \(setting.label)"
        let stamp = (path as NSString).deletingPathExtension + ".fingerprint"
        if FileManager.default.fileExists(atPath: path),
           let recorded = FileManager.default.contents(atPath: stamp),
           String(decoding: recorded, as: UTF8.self) == plan.fingerprint {
            log("\(name): reusing \(path)")
            return try ImportanceMatrix.read(path: path)
        }
        let text = try Self.text(plan: plan, setting: setting, cache: cache)
        var settings = ImatrixRun.Settings(modelPath: plan.config.model, textPath: text, outputPath: path)
        settings.contextLength = setting.context
        settings.chunks = setting.chunks
        settings.threads = plan.threads
        settings.activationPrecision = plan.precision
        settings.computePerplexity = false
        settings.policy = setting.partialData
        settings.metadataOverrides = try setting.overrideKV.flatMap { try MetadataOverride.parseList($0) }
        let run = ImatrixRun(settings: settings)
        let (result, _) = try run.run(onStart: { start in
            log("\(name): computing from \(text): \(start.chunks) chunks of \(start.contextLength) tokens")
        })
        log(String(format: "%@: %d entries in %.1f s (%.0f tokens/s) → %@", name, result.entriesWritten, result.seconds,
                   result.tokensPerSecond, path))
        try ReportFile.write(plan.fingerprint, to: stamp)
        return try ImportanceMatrix.read(path: path)
    }
}
