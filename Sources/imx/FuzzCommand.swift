import ArgumentParser
import Foundation
import Harness
import Kernels

/// `imx fuzz TARGET [--seconds S] [--runs N] [--seed S] [--corpus DIR] [--save-corpus DIR]
/// [--json]`: mutation-fuzzes one of the project's readers in process, in worker processes
/// that a crash or a hang ends without ending the run.
struct FuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract: "Fuzz a reader (gguf, imatrix-gguf, imatrix-dat, sweep-config, formula, tokenizer, vocabulary): executions, crashes, hangs, unclean errors."
    )

    @Argument(help: "The target: \(FuzzTargets.names.joined(separator: ", ")).")
    var target: String

    @Option(help: "Seconds to fuzz (wall time).")
    var seconds: Double = 10

    @Option(help: "Stop after this many executions.")
    var runs: Int?

    @Option(help: "The mutator's seed (the same seed repeats the same inputs).")
    var seed: UInt64 = 1

    @Option(help: "A folder of seed inputs (repeatable), besides the target's built-in seeds.")
    var corpus: [String] = []

    @Option(help: "Save inputs that reach a new error signature here.")
    var saveCorpus: String?

    @Option(help: "Where crash, hang, memory and unclean-error inputs are saved.")
    var findings = "runs/fuzz/findings"

    @Option(name: .customLong("max-len"), help: "Longest input, bytes.")
    var maximumLength = 64 * 1024

    @Option(help: "Seconds of CPU time one execution may take before it counts as a hang (ten times that in wall time).")
    var timeout: Double = 2

    @Option(help: "MiB of address space a worker may add (an input needing more is a memory finding).")
    var memory = 2048

    @Option(name: .customLong("max-findings"), help: "Stop after this many crashes, hangs and memory findings.")
    var maximumFindings = 5

    @Option(help: "The model whose tokenizer the tokenizer target uses (default: models/gemma-3-270m-q4_k_m.gguf).")
    var model: String?

    @Option(help: "Run these saved inputs once each, in this process without crash capture (a crash shows its backtrace), and say what the reader did (repeatable).")
    var replay: [String] = []

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Flag(help: .hidden)
    var worker = false

    func validate() throws {
        guard FuzzTargets.names.contains(target) else {
            throw ValidationError("unknown fuzz target '\(target)' (targets: \(FuzzTargets.names.joined(separator: ", ")))")
        }
        guard seconds.isFinite, seconds >= 0 else { throw ValidationError("--seconds must be a number ≥ 0") }
        if let runs { guard runs >= 1 else { throw ValidationError("--runs must be at least 1") } }
        guard (1...(64 << 20)).contains(maximumLength) else { throw ValidationError("--max-len must be 1 to 67108864") }
        guard timeout.isFinite, timeout > 0 else { throw ValidationError("--timeout must be a number > 0") }
        guard (64...(1 << 20)).contains(memory) else { throw ValidationError("--memory must be 64 to 1048576 MiB") }
        guard maximumFindings >= 1 else { throw ValidationError("--max-findings must be at least 1") }
    }

    func run() throws {
        let settings = FuzzSettings(target: target, seconds: seconds, runs: runs, seed: seed, corpus: corpus,
                                    saveCorpus: saveCorpus, findings: findings, maximumLength: maximumLength,
                                    timeout: timeout, memoryBudget: memory << 20, maximumFindings: maximumFindings,
                                    model: model)
        for folder in corpus {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                throw CommandError("\(folder): --corpus: not a folder")
            }
        }
        if !replay.isEmpty {
            let fuzzTarget: any FuzzTarget
            do { fuzzTarget = try FuzzTargets.make(target, model: model) } catch { throw CommandError("\(error)") }
            let results = try FuzzReplay.run(fuzzTarget, files: replay)
            for result in results { print("\(result.file): \(result.text)") }
            if let bad = results.first(where: { !$0.isClean }) {
                throw CommandError("fuzz \(target): \(bad.file): unclean error")
            }
            return
        }
        if worker {
            let fuzzTarget: any FuzzTarget
            do { fuzzTarget = try FuzzTargets.make(target, model: model) } catch { throw CommandError("\(error)") }
            _ = try FuzzWorker.run(fuzzTarget, settings: settings)
            return
        }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let report: FuzzReport
        do {
            report = try FuzzSupervisor.run(settings, executable: executable) { line in
                Console.note(line)
            }
        } catch let error as FuzzSetupError {
            throw CommandError(error.description)
        }
        if json {
            try JSONOutput.print(report)
        } else {
            print(report.text)
        }
        guard report.isClean else {
            try StandardOutput.flush()
            throw CommandError("fuzz \(target): \(report.crashes) crashes, \(report.hangs) hangs, \(report.memory) memory, \(report.unclean) unclean errors (inputs in \(findings))")
        }
    }
}
