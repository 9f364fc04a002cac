import Foundation
import Kernels

/// What every command that writes files does before any work: refuses an output that is one of
/// its inputs, and removes (and names) the temporaries an interrupted save of an output left.
enum OutputCheck {
    static func prepare(outputs: [String], inputs: [String]) throws {
        do { try OutputFiles.refuseInputs(outputs: outputs, inputs: inputs) } catch { throw CommandError(error.description) }
        for output in outputs {
            for stale in OutputFiles.removeStaleTemporaries(of: output) {
                FileHandle.standardError.write(Data("removed \(stale), a temporary an interrupted save of \(output) left\n".utf8))
            }
        }
    }
}
