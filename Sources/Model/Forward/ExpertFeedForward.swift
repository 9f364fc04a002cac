import Foundation
import GGUF
import Kernels

/// A mixture-of-experts feed-forward block as llama.cpp's `build_moe_ffn` builds it (see
/// ``ExpertBlockSpec``): router logits `x·Wrᵀ` (+ router bias) → softmax or sigmoid
/// probabilities (or the logits themselves) → the `used` experts with the largest probability
/// plus selection bias → their unbiased probabilities as weights (or the softmax over the chosen
/// logits; renormalised, scaled) → for each expert the gated feed-forward on the rows routed to
/// it (with its biases), summed with the routing weights → plus the shared experts' dense
/// feed-forward, if any.
struct ExpertFeedForward {
    let tensors: FeedForwardWeights.ExpertWeights
    let block: ExpertBlockSpec

    private var router: LinearWeight { tensors.router }
    private var gate: LinearWeight { tensors.gate }
    private var up: LinearWeight { tensors.up }
    private var down: LinearWeight { tensors.down }
    private var expertCount: Int { block.count }
    private var usedCount: Int { block.used }
    private var activation: FeedForwardSpec.Activation { block.activation }

    /// Buffers the block needs, owned by the workspace.
    struct Buffers {
        let routerLogits: FloatBuffer
        let selected: IndexBuffer
        let weights: FloatBuffer
        /// Probability + selection bias per expert (rows × experts), groups masked, when the block
        /// has a bias or groups.
        let selectionScores: FloatBuffer
        let expertTokens: IndexBuffer
        let expertInput: FloatBuffer
        let expertOutput: FloatBuffer
        /// The shared experts' output (rows × n_embd).
        let sharedOutput: FloatBuffer
    }

    /// - Parameter rows: names a batch row in errors (its chunk and position).
    func run(_ x: UnsafePointer<Float>, rows: Int, project: Projection, operations: RowOperations,
             gateBuffer: UnsafeMutablePointer<Float>, upBuffer: UnsafeMutablePointer<Float>,
             buffers: Buffers, rowNames: BatchRowNames, into output: UnsafeMutablePointer<Float>) throws(ModelError) {
        let width = router.inFeatures
        let logits = buffers.routerLogits.reserve(rows * expertCount)
        try project(router, input: x, rows: rows, into: logits)
        if let bias = tensors.routerBias { operations.addBias(logits, bias: bias, rows: rows) }
        let selected = buffers.selected.reserve(rows * usedCount)
        let weights = buffers.weights.reserve(rows * usedCount)
        let selection = buffers.selectionScores.reserve(rows * expertCount)
        route(logits: logits, rows: rows, selection: selection, selected: selected, weights: weights,
              threads: operations.threads)
        // Non-finite router logits select no expert (id −1): stop before anything indexes by it.
        for slot in 0..<(rows * usedCount) where selected[slot] < 0 || !weights[slot].isFinite {
            throw ModelError(file: rowNames.source, field: router.name, kind: .nonFinite,
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
            try project.sharing(expertInput, rows: count) { () throws(ModelError) in
                try project(gate, input: expertInput, rows: count, into: gateBuffer, expert: expert, routing: routing)
                try project(up, input: expertInput, rows: count, into: upBuffer, expert: expert, routing: routing)
            }
            let length = gate.outFeatures
            if let bias = tensors.gateBias { operations.addBiasRow(gateBuffer, table: bias, row: expert, width: length, rows: count) }
            if let bias = tensors.upBias { operations.addBiasRow(upBuffer, table: bias, row: expert, width: length, rows: count) }
            operations.gatedActivation(activation, gate: gateBuffer, up: upBuffer, count: count * length)
            try project(down, input: gateBuffer, rows: count, into: expertOutput, expert: expert, routing: routing)
            if let bias = tensors.downBias { operations.addBiasRow(expertOutput, table: bias, row: expert, width: width, rows: count) }
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
        if let shared = tensors.shared {
            let sharedOutput = buffers.sharedOutput.reserve(rows * width)
            try DenseFeedForward(gate: shared.gate, up: shared.up, down: shared.down, activation: .silu).run(
                x, rows: rows, project: project, operations: operations,
                gateBuffer: gateBuffer, upBuffer: upBuffer, into: sharedOutput)
            operations.add(output, sharedOutput, count: rows * width)
        }
    }

    /// Grouped top-k (llama.cpp's `n_expert_groups`): each of `groups` consecutive groups is
    /// scored by the sum of its two best scores; the scores outside the best `used` groups
    /// (ties to the lower group) become −∞.
    private static func maskGroups(_ scores: UnsafeMutablePointer<Float>, experts: Int, groups: Int, used: Int) {
        let size = experts / groups
        // Per row, on the stack: no allocation in the routing loop.
        withUnsafeTemporaryAllocation(of: Float.self, capacity: groups) { groupScores in
            for group in 0..<groups {
                var first = -Float.infinity, second = -Float.infinity
                for expert in (group * size)..<((group + 1) * size) {
                    let value = scores[expert]
                    if value > first { second = first; first = value } else if value > second { second = value }
                }
                groupScores[group] = first + second
            }
            withUnsafeTemporaryAllocation(of: Bool.self, capacity: groups) { keep in
                keep.initialize(repeating: false)
                for _ in 0..<used {
                    var best = -1
                    for group in 0..<groups where !keep[group] && (best < 0 || groupScores[group] > groupScores[best]) { best = group }
                    keep[best] = true
                }
                for group in 0..<groups where !keep[group] {
                    for expert in (group * size)..<((group + 1) * size) { scores[expert] = -.infinity }
                }
            }
        }
    }

    /// Probabilities of each row of router logits (softmax or sigmoid, in place), then the
    /// `usedCount` largest of probability + selection bias (ties to the lower expert id), and the
    /// unbiased probabilities of those experts as weights, renormalised and scaled as the block says.
    private func route(logits: UnsafeMutablePointer<Float>, rows: Int, selection: UnsafeMutablePointer<Float>,
                       selected: UnsafeMutablePointer<Int32>, weights: UnsafeMutablePointer<Float>, threads: Int) {
        let experts = expertCount, used = usedCount, block = block
        let bias = tensors.selectionBias
        Parallel.forEachRange(count: rows, threads: threads, grain: 64) { range in
            for row in range {
                let probabilities = logits + row * experts
                switch block.gating {
                case .softmax: VectorMath.softmax(probabilities, count: experts)
                case .sigmoid:
                    for expert in 0..<experts { probabilities[expert] = 1 / (1 + exp(-probabilities[expert])) }
                case .softmaxOverChosen: break // the logits choose; the weights come after the choice
                }
                var scores = UnsafePointer(probabilities)
                if bias != nil || block.groupCount > 1 {
                    let biased = selection + row * experts
                    for expert in 0..<experts { biased[expert] = probabilities[expert] + (bias?[expert] ?? 0) }
                    if block.groupCount > 1 {
                        Self.maskGroups(biased, experts: experts, groups: block.groupCount, used: block.groupsUsed)
                    }
                    scores = UnsafePointer(biased)
                }
                var sum: Float = 0
                for choice in 0..<used {
                    var best = -1
                    var bestValue = -Float.infinity
                    for expert in 0..<experts where scores[expert] > bestValue {
                        var taken = false
                        for previous in 0..<choice where Int(selected[row * used + previous]) == expert { taken = true }
                        if !taken { best = expert; bestValue = scores[expert] }
                    }
                    selected[row * used + choice] = Int32(best)
                    let weight = best < 0 ? Float.nan : probabilities[best]
                    weights[row * used + choice] = weight
                    sum += weight
                }
                if block.gating == .softmaxOverChosen {
                    VectorMath.softmax(weights + row * used, count: used)
                    sum = 0
                    for choice in 0..<used { sum += weights[row * used + choice] }
                }
                if block.normalizeWeights {
                    let scale = 1 / max(sum, 6.103515625e-5)
                    for choice in 0..<used { weights[row * used + choice] *= scale }
                }
                if block.weightsScale != 0, block.weightsScale != 1 {
                    for choice in 0..<used { weights[row * used + choice] *= block.weightsScale }
                }
            }
        }
    }
}
