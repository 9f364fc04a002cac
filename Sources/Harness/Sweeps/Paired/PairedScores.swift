import Foundation

/// Pairs records with their type's baseline from the per-token scores in sweep caches: for a
/// record just scored (its baseline ran earlier), and for records that lack a pairing because
/// their baseline came later, from another shard or another run (`sweep-merge`).
enum PairedScores {
    /// The texts that are scored end to end, as named in caches and records.
    static let texts = ["evaluation", "calibration"]

    /// The per-token scores of `variant` on `text`, from the first of `caches` that holds
    /// them for this sweep; nil when none does.
    static func tokens(variant: String, text: String, fingerprint: String, caches: [String]) -> TokenScores? {
        for cache in caches {
            let path = TokenScores.path(cache: cache, text: text, variant: variant)
            guard FileManager.default.fileExists(atPath: path), let scores = try? TokenScores.read(path: path),
                  scores.fingerprint == fingerprint, scores.variant == variant else { continue }
            return scores
        }
        return nil
    }

    /// `records` with every missing pairing filled in where the caches hold both sides; the
    /// baseline's own records stay unpaired.
    static func completed(_ records: [SweepRecord], baseline: String, caches: [String]) -> [SweepRecord] {
        let baselines = Dictionary(records.filter { $0.formula == baseline }.map { ($0.type, $0.variant) }) { first, _ in first }
        // Each baseline's scores are read once, however many records pair with them.
        var baselineTokens: [String: TokenScores?] = [:]
        func baselineScores(_ variant: String, _ text: String, _ fingerprint: String) -> TokenScores? {
            let key = text + "\u{1F}" + variant
            if let known = baselineTokens[key] { return known }
            let scores = tokens(variant: variant, text: text, fingerprint: fingerprint, caches: caches)
            baselineTokens[key] = .some(scores)
            return scores
        }
        return records.map { record in
            guard record.formula != baseline, let base = baselines[record.type] else { return record }
            var record = record
            func pair(_ score: SweepRecord.EndToEndScore?, _ text: String) -> SweepRecord.EndToEndScore? {
                guard var score, score.paired == nil,
                      let mine = tokens(variant: record.variant, text: text, fingerprint: record.fingerprint, caches: caches),
                      let theirs = baselineScores(base, text, record.fingerprint) else { return score }
                score.paired = PairedScore.between(mine, theirs)
                return score
            }
            record.evaluation = pair(record.evaluation, "evaluation")
            record.calibration = pair(record.calibration, "calibration")
            return record
        }
    }
}
