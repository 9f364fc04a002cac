import Foundation

/// The BLAS kernel check every `imx` run starts with: when OpenBLAS runs a core older than the
/// CPU supports (and the user has not chosen one), verify a better core in a child process and
/// re-execute imx with it, before any work (and before any thread of ours) starts.
///
/// Costs: a few CPUID instructions when nothing is to be done; a cache lookup and one `execv`
/// when a verified core is known; the verification itself (tens of milliseconds) once per CPU
/// model and library, cached under the user's cache folder.
public enum BLASStartup {
    /// The first argument of the child process that verifies a core.
    public static let verificationArgument = "--imx-verify-blas-core"

    /// Decides, verifies and re-executes as needed; returns when the process keeps running with
    /// its current core (after printing the one note line, if any).
    /// - Throws: ``BLASCoreChoice/InvalidSetting`` for an unknown `IMX_BLAS_CORE`.
    public static func prepare(environment: [String: String] = ProcessInfo.processInfo.environment) throws(BLASCoreChoice.InvalidSetting) {
        let library = BLAS.libraryName
        let running = BLAS.coreName
        let choice = try BLASCoreChoice.decide(cpu: CPUFeatures.current.level, running: running, library: library,
                                               environment: environment)
        // All of imx's parallelism is its own (-t workers, OpenBLAS single-threaded inside), so
        // OpenBLAS's pool never competes with it; `imx bench blas` sets -t threads to compare.
        defer { BLAS.setThreadCount(1) }
        switch choice {
        case .keep(let note):
            if let note { printNote(note) }
        case .replace(let candidates, let reason):
            var rejected: [String] = []
            for candidate in candidates {
                let verdict = verdict(for: candidate)
                guard verdict == nil else {
                    rejected.append("\(candidate) failed verification (\(verdict!))")
                    continue
                }
                printNote("BLAS: \(reason); using \(candidate) (verified)" + (rejected.isEmpty ? "" : "; " + rejected.joined(separator: "; ")))
                let failure = reexecute(with: candidate)
                rejected.append("\(candidate) could not be started (\(failure))")
            }
            printNote("BLAS: \(reason); " + rejected.joined(separator: "; ") + "; keeping \(running)")
        }
    }

    /// The child's side: verify the core OpenBLAS runs and report it on stdout; exits.
    public static func runVerificationChild() -> Never {
        let failure = BLASCoreVerification.run()
        print("core \(BLAS.coreName)")
        print(failure.map { "failed \($0)" } ?? "verified")
        exit(failure == nil ? 0 : 1)
    }

    /// nil when `core` is verified (from the cache, or by a child process now); else why not.
    static func verdict(for core: String) -> String? {
        let key = BLASCoreCache.Key(cpu: CPUFeatures.current, library: BLAS.configuration, core: core)
        if let known = BLASCoreCache.lookup(key) { return known }
        let result = verifyInChild(core: core)
        BLASCoreCache.store(key, verdict: result)
        return result
    }

    /// Runs `imx --imx-verify-blas-core` with `OPENBLAS_CORETYPE=core`; nil when it verified
    /// exactly that core.
    static func verifyInChild(core: String) -> String? {
        #if os(Linux)
        var environment = ProcessInfo.processInfo.environment
        environment[BLASCoreChoice.openBLASVariable] = core
        environment[BLASCoreChoice.controlVariable] = "keep"
        environment[BLASCoreChoice.appliedVariable] = nil
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = [verificationArgument]
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return "cannot start the check (\(error.localizedDescription))" }
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { usleep(2_000) }
        if process.isRunning {
            process.terminate()
            return "the check did not finish in 30 s"
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let lines = text.split(separator: "\n").map(String.init)
        let reported = lines.first { $0.hasPrefix("core ") }.map { String($0.dropFirst(5)) }
        if process.terminationReason == .uncaughtSignal {
            return "the check died of signal \(process.terminationStatus)"
        }
        guard let reported else { return "the check printed no core (exit status \(process.terminationStatus))" }
        guard reported.lowercased() == core.lowercased() else { return "OpenBLAS ran \(reported) instead" }
        if let failed = lines.first(where: { $0.hasPrefix("failed ") }) { return String(failed.dropFirst(7)) }
        return process.terminationStatus == 0 && lines.contains("verified") ? nil : "exit status \(process.terminationStatus)"
        #else
        return "re-executing with another core is implemented for Linux only"
        #endif
    }

    /// Replaces the process image by imx itself with `OPENBLAS_CORETYPE=core`; returns (why it
    /// failed) only when it cannot.
    static func reexecute(with core: String) -> String {
        #if os(Linux)
        setenv(BLASCoreChoice.openBLASVariable, core, 1)
        setenv(BLASCoreChoice.appliedVariable, core, 1)
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", arguments)
        let reason = "execv: " + String(cString: strerror(errno))
        // Still here: leave the environment as it was.
        unsetenv(BLASCoreChoice.openBLASVariable)
        unsetenv(BLASCoreChoice.appliedVariable)
        return reason
        #else
        return "re-executing is implemented for Linux only"
        #endif
    }

    static func printNote(_ line: String) {
        Console.note(line)
    }
}
