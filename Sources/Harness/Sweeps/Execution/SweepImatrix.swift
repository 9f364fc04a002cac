import Foundation
import GGUF
import IMatrix
import Kernels
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
        let textName = setting.texts == plan.config.calibration.texts ? "calibration" : (path as NSString).deletingPathExtension
        let text = try SweepTexts.combined(setting.texts, name: (textName as NSString).lastPathComponent, cache: cache)
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
