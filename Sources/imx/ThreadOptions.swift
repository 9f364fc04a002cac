import ArgumentParser
import Kernels

/// `-t/--threads`, shared by every command that computes.
struct ThreadOptions: ParsableArguments {
    @Option(name: [.short, .customLong("threads")], help: "Threads to use (defaults to the number of cores).")
    var threads: Int = Parallel.processorCount

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }
}
