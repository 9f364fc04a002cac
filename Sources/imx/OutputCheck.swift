import Foundation
import Kernels

/// What every command that writes files does before any work: refuses an empty output path and an
/// output that is one of its inputs, and removes (and names) the temporaries an interrupted save of an output left.
enum OutputCheck {
    static func prepare(outputs: [String], inputs: [String]) throws {
        if outputs.contains(where: \.isEmpty) { throw CommandError("output: the path is empty") }
        do { try OutputFiles.refuseInputs(outputs: outputs, inputs: inputs) } catch { throw CommandError(error.description) }
        for output in outputs {
            for stale in OutputFiles.removeStaleTemporaries(of: output) {
                Console.note("removed \(stale), a temporary an interrupted save of \(output) left")
            }
        }
    }
}
