import Foundation
import Kernels

/// The in-process fuzz loop of one worker process: runs every corpus input once, then mutated
/// inputs until the time or the run count is used up, classifying each execution
/// (``FuzzOutcome``) and saving the first unclean errors. Crashes and hangs end the process
/// (``CrashCapture``, ``FuzzWatchdog``); the supervisor reads the lines this loop prints:
///
///     progress EXECUTIONS UNCLEAN         (about once a second)
///     unclean PATH                        (an unclean error's input was saved)
///     result {JSON of FuzzWorker.Result}  (the loop ended normally)
public enum FuzzWorker {
    /// What a worker reports when its loop ends.
    public struct Result: Codable, Sendable, Equatable {
        public var executions: Int
        public var seconds: Double
        public var unclean: Int
        public var accepted: Int
        public var corpus: Int
        public var signatures: Int
        /// Unclean errors by reason (`several lines`, `raw control character`, …).
        public var uncleanReasons: [String: Int]
    }

    /// At most this many unclean inputs are saved per worker (one per distinct reason and signature).
    static let savedUnclean = 5

    /// Runs the loop for `target` as `settings` say, printing the lines above to stdout.
    public static func run(_ target: any FuzzTarget, settings: FuzzSettings) throws -> Result {
        try FileManager.default.createDirectory(atPath: settings.findings, withIntermediateDirectories: true)
        var corpus = FuzzCorpus(fieldMap: { [target] in target.fields(of: $0) }, saveDirectory: settings.saveCorpus)
        for seed in target.seeds() { corpus.add(Array(seed.prefix(settings.maximumLength))) }
        for folder in settings.corpus {
            for input in try FuzzCorpus.files(in: folder, maximumLength: settings.maximumLength) { corpus.add(input) }
        }
        if corpus.count == 0 { corpus.add([]) }
        let dictionary = target.dictionary
        let prefix = target.errorPrefix

        CrashCapture.install(directory: settings.findings, target: target.name,
                             capacity: settings.maximumLength + 64 * 1024, scratch: target.scratchPath)
        MemoryLimit.apply(budget: settings.memoryBudget)
        let watchdog = FuzzWatchdog(timeout: settings.timeout)
        watchdog.start()

        var mutator = FuzzMutator(seed: settings.seed, maximumLength: settings.maximumLength)
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = start + UInt64(max(0, settings.seconds) * 1e9)
        var nextProgress = start + 1_000_000_000
        var executions = 0, unclean = 0, accepted = 0
        var savedReasons = Set<String>()
        var reasons: [String: Int] = [:]
        let seedCount = corpus.count
        var input: [UInt8] = []
        input.reserveCapacity(settings.maximumLength)

        while true {
            if let runs = settings.runs, executions >= runs { break }
            if executions & 63 == 0 {
                let now = DispatchTime.now().uptimeNanoseconds
                if now >= deadline && executions >= seedCount { break }
                if now >= nextProgress {
                    emit("progress \(executions) \(unclean)")
                    nextProgress = now + 1_000_000_000
                }
            }
            if executions < seedCount {
                input = corpus.inputs[executions]
            } else {
                let base = Int(mutator.random.next() % UInt64(corpus.count))
                input = corpus.inputs[base]
                mutator.mutate(&input, fields: corpus.fields[base], corpus: corpus.inputs, dictionary: dictionary)
            }
            executions += 1
            watchdog.tick(executions)
            let outcome: FuzzOutcome = input.withUnsafeBytes { bytes in
                CrashCapture.prepare(bytes)
                do {
                    try target.run(bytes)
                    return .accepted
                } catch {
                    return FuzzOutcome.of(error, prefix: prefix)
                }
            }
            watchdog.idle()
            switch outcome {
            case .accepted:
                accepted += 1
                corpus.record("accepted", input: input)
            case .clean(let signature):
                corpus.record(signature, input: input)
            case .unclean(let reason, let message):
                unclean += 1
                let category = reason.split(separator: "(").first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? reason
                reasons[category.first?.isNumber == true ? "too long" : category, default: 0] += 1
                let key = category + "|" + FuzzOutcome.signature(message, type: "")
                if savedReasons.count < savedUnclean, savedReasons.insert(key).inserted {
                    let path = settings.findings + "/unclean-\(target.name)-" + FuzzCorpus.name(of: input)
                    _ = FileManager.default.createFile(atPath: path, contents: Data(input))
                    let note = "\(reason)\n\(message.unicodeScalars.map { $0.escaped(asASCII: true) }.joined())\n"
                    _ = FileManager.default.createFile(atPath: path + ".txt", contents: Data(note.utf8))
                    emit("unclean \(path)")
                }
            }
        }
        target.finish()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let result = Result(executions: executions, seconds: seconds, unclean: unclean, accepted: accepted,
                            corpus: corpus.count, signatures: corpus.signatureCount, uncleanReasons: reasons)
        let json = try JSONEncoder().encode(result)
        emit("result " + String(decoding: json, as: UTF8.self))
        return result
    }

    /// Writes one line to stdout at once (`write(2)`, unbuffered, so lines survive a crash).
    static func emit(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let n = write(1, buffer.baseAddress! + written, buffer.count - written)
                if n <= 0 { return }
                written += n
            }
        }
    }
}
