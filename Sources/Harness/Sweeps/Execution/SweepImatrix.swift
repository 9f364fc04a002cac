import Foundation
import GGUF
import IMatrix
import Weighting

/// The imatrix a sweep quantizes with: the config's file, or one computed from the calibration
/// text into `cache/imatrix.gguf` (reused while the sweep's fingerprint is unchanged).
enum SweepImatrix {
    static func obtain(plan: SweepPlan, calibrationText: String, cache: String, log: (String) -> Void) throws -> ImportanceMatrix {
        if let file = plan.config.imatrix?.file {
            log("imatrix: \(file)")
            return try ImportanceMatrix.read(path: file)
        }
        let path = cache + "/imatrix.gguf"
        let stamp = cache + "/imatrix.fingerprint"
        if FileManager.default.fileExists(atPath: path),
           let recorded = FileManager.default.contents(atPath: stamp),
           String(decoding: recorded, as: UTF8.self) == plan.fingerprint {
            log("imatrix: reusing \(path)")
            return try ImportanceMatrix.read(path: path)
        }
        var settings = ImatrixRun.Settings(modelPath: plan.config.model, textPath: calibrationText, outputPath: path)
        settings.contextLength = plan.imatrixContext
        settings.chunks = plan.imatrixChunks
        settings.threads = plan.threads
        settings.activationPrecision = plan.precision
        settings.computePerplexity = false
        settings.policy = plan.config.imatrix?.partialData
        settings.metadataOverrides = try (plan.config.imatrix?.overrideKV ?? []).flatMap { try MetadataOverride.parseList($0) }
        let run = ImatrixRun(settings: settings)
        let (result, _) = try run.run(onStart: { start in
            log("imatrix: computing from \(calibrationText): \(start.chunks) chunks of \(start.contextLength) tokens")
        })
        log(String(format: "imatrix: %d entries in %.1f s (%.0f tokens/s) → %@", result.entriesWritten, result.seconds,
                   result.tokensPerSecond, path))
        try ReportFile.write(plan.fingerprint, to: stamp)
        return try ImportanceMatrix.read(path: path)
    }
}
