import Foundation
import Kernels

/// `imx sweep-merge`: joins the results of shards (or of separate runs of the same config)
/// into one `results.jsonl` and rebuilds the report.
public enum SweepMerge {
    /// What the merge produced.
    public struct Outcome: Sendable {
        public var records: [SweepRecord]
        public var duplicates: Int
        public var missing: [String]
    }

    /// The stored description beside a results file (`sweep.json`).
    struct Stored: Codable {
        var fingerprint: String
        var description: SweepDescription
    }

    /// Merges `inputs` (results files, or folders holding `results*.jsonl`) into `output`.
    public static func merge(inputs: [String], output: String) throws -> Outcome {
        var files: [String] = []
        for input in inputs {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
                throw SweepConfigError(file: input, path: "input", message: "no such file or folder")
            }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: input)) ?? []
                let found = names.filter { $0.hasPrefix("results") && $0.hasSuffix(".jsonl") }.sorted()
                guard !found.isEmpty else { throw SweepConfigError(file: input, path: "input", message: "holds no results*.jsonl") }
                files += found.map { input + "/" + $0 }
            } else {
                files.append(input)
            }
        }
        var stored: Stored?
        var caches: [String] = []
        var byIndex: [Int: SweepRecord] = [:]
        var duplicates = 0
        for file in files {
            let folder = PathComponents.directory(of: file)
            let descriptionPath = (folder.isEmpty ? "." : folder) + "/sweep.json"
            guard let data = FileManager.default.contents(atPath: descriptionPath),
                  let description = try? JSONDecoder().decode(Stored.self, from: data) else {
                throw SweepConfigError(file: descriptionPath, path: "sweep.json", message: "missing or unreadable: every results file needs the sweep.json its run wrote beside it")
            }
            if let stored, stored.fingerprint != description.fingerprint {
                throw SweepConfigError(file: file, path: "fingerprint", message: "comes from a different sweep (fingerprint \(description.fingerprint), first input \(stored.fingerprint))")
            }
            stored = stored ?? description
            let cache = (folder.isEmpty ? "." : folder) + "/cache"
            if !caches.contains(cache) { caches.append(cache) }
            for record in try SweepResultsFile.read(path: file).records {
                guard record.fingerprint == description.fingerprint else {
                    throw SweepConfigError(file: file, path: record.variant, message: "record of another sweep (fingerprint \(record.fingerprint))")
                }
                if byIndex[record.index] != nil { duplicates += 1 } else { byIndex[record.index] = record }
            }
        }
        guard let stored else { throw SweepConfigError(file: output, path: "inputs", message: "no results to merge") }
        // Records whose baseline was scored in another shard or run are paired here.
        let records = PairedScores.completed(byIndex.keys.sorted().map { byIndex[$0]! }, baseline: stored.description.baseline,
                                             caches: caches)
        try ReportFile.makeDirectory(output)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var lines: [UInt8] = []
        for record in records { lines += Array(try encoder.encode(record)) + [UInt8(ascii: "\n")] }
        try AtomicFile.write(lines, to: output + "/results.jsonl")
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try ReportFile.write(String(decoding: try encoder.encode(stored), as: UTF8.self) + "\n", to: output + "/sweep.json")
        try SweepReport.write(description: stored.description, records: records, to: output)
        let present = Set(records.map(\.index))
        let missing = (0..<stored.description.gridSize).filter { !present.contains($0) }.map { "#\($0)" }
        return Outcome(records: records, duplicates: duplicates, missing: missing)
    }
}
