import ArgumentParser
import Foundation
import Kernels

/// `-t/--threads`, shared by every command that computes.
struct ThreadOptions: ParsableArguments {
    @Option(name: [.short, .customLong("threads")], help: "Threads to use (defaults to the number of cores).")
    var threads: Int = Parallel.processorCount

    func validate() throws {
        if let problem = ThreadBudget.problem(threads: threads) { throw ValidationError("--threads: \(problem)") }
    }
}
