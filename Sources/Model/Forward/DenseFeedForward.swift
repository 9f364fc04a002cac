import GGUF

/// The gated feed-forward block: `down(act(gate(x)) · up(x))`.
struct DenseFeedForward {
    let gate: LinearWeight
    let up: LinearWeight
    let down: LinearWeight
    let activation: FeedForwardSpec.Activation

    /// `output` (rows × n_embd) from the normed input `x` (rows × n_embd); `gateBuffer` and
    /// `upBuffer` hold rows × ffn floats each.
    func run(_ x: UnsafePointer<Float>, rows: Int, project: Projection, operations: RowOperations,
             gateBuffer: UnsafeMutablePointer<Float>, upBuffer: UnsafeMutablePointer<Float>,
             into output: UnsafeMutablePointer<Float>) throws(ModelError) {
        try project.sharing(x, rows: rows) { () throws(ModelError) in
            try project(gate, input: x, rows: rows, into: gateBuffer)
            try project(up, input: x, rows: rows, into: upBuffer)
        }
        operations.gatedActivation(activation, gate: gateBuffer, up: upBuffer, count: rows * gate.outFeatures)
        try project(down, input: gateBuffer, rows: rows, into: output)
    }
}
