import Foundation
import Model

/// The reference distributions of one text: the model as given, recorded once into
/// `cache/NAME.kld` (llama-perplexity's `--kl-divergence-base` format, so `llama-perplexity
/// --kl-divergence-base` can read it too) with its exact perplexity beside it in `NAME.kld.json`.
enum SweepReference {
    struct Stamp: Codable {
        var fingerprint: String
        var perplexity: Double
        var predictions: Int
    }

    static func obtain(name: String, evaluator: DivergenceEvaluator, fingerprint: String, cache: String,
                       log: (String) -> Void) throws -> (file: LogProbabilityFile, basePerplexity: Double) {
        let path = cache + "/\(name).kld"
        let stampPath = path + ".json"
        if let data = FileManager.default.contents(atPath: stampPath),
           let stamp = try? JSONDecoder().decode(Stamp.self, from: data), stamp.fingerprint == fingerprint,
           let file = try? LogProbabilityFile(path: path) {
            log(String(format: "reference: reusing %@ (PPL %.4f)", path, stamp.perplexity))
            return (file, stamp.perplexity)
        }
        let start = Date()
        let plan = evaluator.plan
        log("reference: \(name) text, \(plan.chunkCount) chunks of \(plan.contextLength) tokens → \(path)")
        let accumulator = try evaluator.record(to: path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let stamp = Stamp(fingerprint: fingerprint, perplexity: accumulator.perplexity, predictions: accumulator.count)
        try ReportFile.write(String(decoding: try encoder.encode(stamp), as: UTF8.self) + "\n", to: stampPath)
        log(String(format: "reference: PPL %.4f over %d predictions in %.1f s", accumulator.perplexity, accumulator.count,
                   Date().timeIntervalSince(start)))
        return (try LogProbabilityFile(path: path), accumulator.perplexity)
    }
}
