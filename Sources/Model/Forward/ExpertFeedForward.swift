import GGUF
import Kernels

/// A mixture-of-experts feed-forward block as llama.cpp builds it for Mixtral and Qwen3-MoE:
/// router logits `x·Wrᵀ`, softmax over all experts, the `used` most probable experts per token
/// (weights renormalised to sum 1 when the family says so), then for each expert the gated
/// feed-forward on the rows routed to it, summed with the routing weights.
struct ExpertFeedForward {
    let router: LinearWeight
    let gate: LinearWeight
    let up: LinearWeight
    let down: LinearWeight
    let expertCount: Int
    let usedCount: Int
    let activation: FeedForwardSpec.Activation
    let normalizeWeights: Bool

    /// Buffers the block needs, owned by the workspace.
    struct Buffers {
        let routerLogits: FloatBuffer
        let selected: IndexBuffer
        let weights: FloatBuffer
        let expertTokens: IndexBuffer
        let expertInput: FloatBuffer
        let expertOutput: FloatBuffer
    }

    /// - Parameter rows: names a batch row in errors (its chunk and position).
    func run(_ x: UnsafePointer<Float>, rows: Int, project: Projection, operations: RowOperations,
             gateBuffer: UnsafeMutablePointer<Float>, upBuffer: UnsafeMutablePointer<Float>,
             buffers: Buffers, rowNames: BatchRowNames, into output: UnsafeMutablePointer<Float>) throws(GGUFError) {
        let width = router.inFeatures
        let logits = buffers.routerLogits.reserve(rows * expertCount)
        try project(router, input: x, rows: rows, into: logits)
        let selected = buffers.selected.reserve(rows * usedCount)
        let weights = buffers.weights.reserve(rows * usedCount)
        route(logits: logits, rows: rows, selected: selected, weights: weights, threads: operations.threads)
        // Non-finite router logits select no expert (id −1): stop before anything indexes by it.
        for slot in 0..<(rows * usedCount) where selected[slot] < 0 || !weights[slot].isFinite {
            throw GGUFError(file: rowNames.source, field: router.name, kind: .invalidValue,
                            message: "non-finite router logits for \(rowNames.describe(slot / usedCount)): the router's weights or its input overflow")
        }

        // Tokens of each expert, in token order, and where each expert's list starts.
        var counts = [Int](repeating: 0, count: expertCount)
        for slot in 0..<(rows * usedCount) { counts[Int(selected[slot])] += 1 }
        var starts = [Int](repeating: 0, count: expertCount + 1)
        for expert in 0..<expertCount { starts[expert + 1] = starts[expert] + counts[expert] }
        let tokens = buffers.expertTokens.reserve(rows * usedCount)
        var fill = starts
        var slotForEntry = [Int](repeating: 0, count: rows * usedCount)
        for token in 0..<rows {
            for choice in 0..<usedCount {
                let slot = token * usedCount + choice
                let expert = Int(selected[slot])
                tokens[fill[expert]] = Int32(token)
                slotForEntry[fill[expert]] = slot
                fill[expert] += 1
            }
        }

        output.update(repeating: 0, count: rows * width)
        let expertInput = buffers.expertInput.reserve(rows * width)
        let expertOutput = buffers.expertOutput.reserve(rows * width)
        let allSelected = UnsafeBufferPointer(start: UnsafePointer(selected), count: rows * usedCount)
        for expert in 0..<expertCount where counts[expert] > 0 {
            let count = counts[expert]
            let indices = tokens + starts[expert]
            let routing = ExpertRows(expert: expert, expertCount: expertCount,
                                     tokenIndices: UnsafeBufferPointer(start: UnsafePointer(indices), count: count),
                                     selectedExperts: allSelected, usedCount: usedCount)
            operations.gather(x, width: width, indices: indices, count: count, into: expertInput)
            try project.sharing(expertInput, rows: count) { () throws(GGUFError) in
                try project(gate, input: expertInput, rows: count, into: gateBuffer, expert: expert, routing: routing)
                try project(up, input: expertInput, rows: count, into: upBuffer, expert: expert, routing: routing)
            }
            operations.gatedActivation(activation, gate: gateBuffer, up: upBuffer, count: count * gate.outFeatures)
            try project(down, input: gateBuffer, rows: count, into: expertOutput, expert: expert, routing: routing)
            slotForEntry.withUnsafeBufferPointer { slots in
                let entrySlots = slots.baseAddress! + starts[expert]
                Parallel.forEachRange(count: count, threads: operations.threads, grain: 32) { range in
                    for row in range {
                        VectorMath.addScaled(output + Int(indices[row]) * width, expertOutput + row * width,
                                             count: width, factor: weights[entrySlots[row]])
                    }
                }
            }
        }
    }

    /// Softmax over each row of router logits, then the `usedCount` largest probabilities
    /// (ties to the lower expert id) and their weights.
    private func route(logits: UnsafeMutablePointer<Float>, rows: Int, selected: UnsafeMutablePointer<Int32>,
                       weights: UnsafeMutablePointer<Float>, threads: Int) {
        let experts = expertCount, used = usedCount, normalize = normalizeWeights
        Parallel.forEachRange(count: rows, threads: threads, grain: 64) { range in
            for row in range {
                let probabilities = logits + row * experts
                VectorMath.softmax(probabilities, count: experts)
                var sum: Float = 0
                for choice in 0..<used {
                    var best = -1
                    var bestValue = -Float.infinity
                    for expert in 0..<experts where probabilities[expert] > bestValue {
                        var taken = false
                        for previous in 0..<choice where Int(selected[row * used + previous]) == expert { taken = true }
                        if !taken { best = expert; bestValue = probabilities[expert] }
                    }
                    selected[row * used + choice] = Int32(best)
                    weights[row * used + choice] = bestValue
                    sum += bestValue
                }
                if normalize {
                    let scale = 1 / max(sum, 6.103515625e-5)
                    for choice in 0..<used { weights[row * used + choice] *= scale }
                }
            }
        }
    }
}
