import Foundation

/// Runs a target in worker processes (the same executable, `imx fuzz TARGET --worker …`) so a
/// crash, hang or memory blow-up ends only the worker: the supervisor reads the worker's lines
/// (``FuzzWorker``) and its standard error, records the finding, and starts the next worker
/// with the next seed on the remaining time and runs, until they are used up or
/// ``FuzzSettings/maximumFindings`` is reached.
public enum FuzzSupervisor {
    /// Fuzzes as `settings` say, starting workers from `executable` (`/proc/self/exe`).
    public static func run(_ settings: FuzzSettings, executable: String,
                           progress: (String) -> Void = { _ in }) throws -> FuzzReport {
        try FileManager.default.createDirectory(atPath: settings.findings, withIntermediateDirectories: true)
        let start = Date()
        var report = FuzzReport(target: settings.target, seed: settings.seed, seconds: 0, executions: 0,
                                executionsPerSecond: 0, crashes: 0, hangs: 0, memory: 0, unclean: 0, uncleanReasons: [:],
                                workers: 0, corpus: 0, findings: [])
        while true {
            let elapsed = Date().timeIntervalSince(start)
            let remainingRuns = settings.runs.map { $0 - report.executions }
            if report.workers > 0 {
                if elapsed >= settings.seconds || (remainingRuns ?? 1) <= 0 { break }
                if report.crashes + report.hangs + report.memory >= settings.maximumFindings { break }
            }
            var worker = settings
            worker.seconds = max(0, settings.seconds - elapsed)
            worker.runs = remainingRuns
            worker.seed = settings.seed &+ UInt64(report.workers)
            let outcome = try runWorker(worker, executable: executable, index: report.workers)
            report.workers += 1
            report.executions += outcome.executions
            report.unclean += outcome.unclean
            report.uncleanReasons.merge(outcome.uncleanReasons, uniquingKeysWith: +)
            report.corpus = outcome.corpus
            report.findings += outcome.findings
            for finding in outcome.findings {
                switch finding.kind {
                case "crash": report.crashes += 1
                case "hang": report.hangs += 1
                case "memory": report.memory += 1
                default: break
                }
                if finding.kind != "unclean" { progress("\(settings.target): \(finding.kind) \(finding.input): \(finding.detail)") }
            }
            if outcome.ended { break }
        }
        report.seconds = Date().timeIntervalSince(start)
        report.executionsPerSecond = report.seconds > 0 ? Double(report.executions) / report.seconds : 0
        return report
    }

    struct WorkerOutcome {
        var executions = 0
        var unclean = 0
        var uncleanReasons: [String: Int] = [:]
        var corpus = 0
        var findings: [FuzzReport.Finding] = []
        /// The worker finished its budget normally (no restart needed).
        var ended = false
    }

    static func runWorker(_ settings: FuzzSettings, executable: String, index: Int) throws -> WorkerOutcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = workerArguments(settings)
        let output = Pipe()
        process.standardOutput = output
        let errorPath = settings.findings + "/.worker-\(settings.target)-\(getpid())-\(index).stderr"
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let errorFile = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        process.standardError = errorFile
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? errorFile.close()
        let stderr = (FileManager.default.contents(atPath: errorPath)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        try? FileManager.default.removeItem(atPath: errorPath)

        var outcome = WorkerOutcome()
        var uncleanPaths: [String] = []
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let words = line.split(separator: " ", maxSplits: 3).map(String.init)
            switch words.first {
            case "progress":
                outcome.executions = Int(words[1]) ?? outcome.executions
                if words.count > 2 { outcome.unclean = Int(words[2]) ?? outcome.unclean }
            case "unclean":
                uncleanPaths.append(words.dropFirst().joined(separator: " "))
            case "result":
                let json = Data(line.dropFirst("result ".count).utf8)
                if let result = try? JSONDecoder().decode(FuzzWorker.Result.self, from: json) {
                    outcome.executions = result.executions
                    outcome.unclean = result.unclean
                    outcome.uncleanReasons = result.uncleanReasons
                    outcome.corpus = result.corpus
                    outcome.ended = true
                }
            case "crash", "hang":
                guard words.count == 4 else { continue }
                outcome.executions = Int(words[2]) ?? outcome.executions
                var kind = words[0]
                var detail = words[0] == "hang" ? "one execution ran longer than \(settings.timeout) s"
                                                : "signal \(words[1]) (\(signalName(Int32(words[1]) ?? 0)))"
                if words[0] == "crash", let diagnosis = diagnose(words[3], settings: settings, executable: executable) {
                    detail += ": " + diagnosis
                    if diagnosis.localizedCaseInsensitiveContains("allocate") { kind = "memory" }
                } else if let message = runtimeMessage(stderr) {
                    detail += ": " + message
                    if message.localizedCaseInsensitiveContains("allocate") { kind = "memory" }
                }
                outcome.findings.append(.init(kind: kind, input: words[3], detail: detail))
            default:
                continue
            }
        }
        for path in uncleanPaths {
            let note = (FileManager.default.contents(atPath: path + ".txt")).map { String(decoding: $0, as: UTF8.self) } ?? ""
            let reason = note.split(separator: "\n").first.map(String.init) ?? "unclean error"
            outcome.findings.append(.init(kind: "unclean", input: path, detail: reason + " (message in \(path).txt)"))
        }
        if !outcome.ended && !outcome.findings.contains(where: { $0.kind != "unclean" }) {
            // Died without saying why: killed from outside, or a failure before the loop.
            let message = runtimeMessage(stderr) ?? stderr.split(separator: "\n").last.map(String.init) ?? ""
            if process.terminationReason == .exit && process.terminationStatus == 1 && outcome.executions == 0 {
                throw FuzzSetupError(description: message.isEmpty ? "the fuzz worker failed" : message)
            }
            outcome.findings.append(.init(kind: "crash", input: "(not saved)",
                                          detail: "worker ended with status \(process.terminationStatus) after \(outcome.executions) executions: \(message)"))
            outcome.ended = false
        }
        return outcome
    }

    /// Replays a crash input in a child with Swift's backtracer on (`imx fuzz TARGET --replay
    /// PATH`), keeps its report in `PATH.txt`, and returns the runtime's message and the first
    /// frame in the project's sources, one line.
    static func diagnose(_ path: String, settings: FuzzSettings, executable: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        var arguments = ["fuzz", settings.target, "--replay", path]
        if let model = settings.model { arguments += ["--model", model] }
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,color=no,threads=crashed"
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        _ = FileManager.default.createFile(atPath: path + ".txt", contents: data)
        let lines = text.split(separator: "\n").map(String.init)
        let failure = (lines.first { $0.contains("runtime failure") || $0.contains("Fatal error") || $0.contains("allocate") }
            ?? lines.first { $0.contains("Program crashed") })
            .map { $0.replacingOccurrences(of: "*", with: "").trimmingCharacters(in: .whitespaces) }
        let frame = lines.first { $0.contains(" at /") && $0.contains("/Sources/") && !$0.contains("/Fuzzing/") && !$0.contains("compiler-generated") }
            .flatMap { line in line.range(of: "] ").map { String(line[$0.upperBound...]) } ?? line }
            .map { $0.split(separator: " ").filter { !$0.hasPrefix("0x") }.joined(separator: " ") }
        let parts = [failure, frame].compactMap { $0 }
        return parts.isEmpty ? nil : String(parts.joined(separator: " — ").prefix(400))
    }

    static func workerArguments(_ s: FuzzSettings) -> [String] {
        var arguments = ["fuzz", s.target, "--worker", "--seconds", String(s.seconds), "--seed", String(s.seed),
                         "--findings", s.findings, "--max-len", String(s.maximumLength), "--timeout", String(s.timeout),
                         "--memory", String(s.memoryBudget >> 20)]
        if let runs = s.runs { arguments += ["--runs", String(runs)] }
        for folder in s.corpus { arguments += ["--corpus", folder] }
        if let save = s.saveCorpus { arguments += ["--save-corpus", save] }
        if let model = s.model { arguments += ["--model", model] }
        return arguments
    }

    /// The Swift runtime's last words (`Fatal error: …`, `Could not allocate memory`), one line.
    static func runtimeMessage(_ stderr: String) -> String? {
        let lines = stderr.split(separator: "\n").map(String.init)
        let message = lines.last { $0.contains("Fatal error") || $0.contains("allocate") || $0.contains("Precondition") }
            ?? lines.last { !$0.isEmpty }
        return message.map { String($0.prefix(300)) }
    }

    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGSEGV: "SIGSEGV"
        case SIGBUS: "SIGBUS"
        case SIGILL: "SIGILL, a Swift trap"
        case SIGTRAP: "SIGTRAP"
        case SIGABRT: "SIGABRT"
        case SIGFPE: "SIGFPE"
        default: "signal \(signal)"
        }
    }
}

/// A fuzz run that could not start (unknown target, missing vocabulary, unreadable corpus).
public struct FuzzSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}
