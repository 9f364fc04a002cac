import Foundation
import GGUF

/// A deliberately simple reference forward pass: Double precision, plain loops, one sequence
/// at a time, every weight dequantized with `GGUFFile.dequantize` up front. It shares no code
/// with the Model module, so a bug in the fast path cannot hide behind a shared helper.
///
///     let naive = try NaiveTransformer(file: GGUFFile(path: path))
///     let run = try naive.run(tokens: [1, 5, 9])          // logits of every position
///     let inputs = run.inputs[NaiveMatmulKey("blk.0.ffn_down.weight")]
///
/// Families: llama (dense, or Mixtral MoE when `llama.expert_count` > 0), qwen2, qwen3,
/// qwen3moe, gemma3, glm4moe, gpt-oss (see ``NaiveTransformerConfiguration`` for how each is read).
public final class NaiveTransformer {
    /// The file the weights come from.
    public let file: GGUFFile
    /// The hyperparameters read from the metadata.
    public let configuration: NaiveTransformerConfiguration
    private var weights: [String: [Double]] = [:]

    /// Reads the configuration and dequantizes every tensor to Double.
    public init(file: GGUFFile) throws {
        self.file = file
        configuration = try NaiveTransformerConfiguration(file: file)
        for tensor in file.tensors {
            weights[tensor.name] = try file.dequantize(tensor, threads: 1).map(Double.init)
        }
    }

    /// The weight called `name`, failing with the file and name when it is missing.
    func weight(_ name: String) throws -> [Double] {
        guard let values = weights[name] else { throw AssetError("\(file.path): \(name): tensor is missing") }
        return values
    }

    /// The weight called `name`, or nil.
    func optionalWeight(_ name: String) -> [Double]? { weights[name] }

    /// The name of the output projection: `output.weight`, or the tied `token_embd.weight`.
    public var outputTensorName: String { weights["output.weight"] != nil ? "output.weight" : "token_embd.weight" }

    /// Logits of every position of one sequence (positions 0..<tokens.count), row per position.
    public func logits(tokens: [Int32]) throws -> [[Double]] {
        try run(tokens: tokens).logits
    }

    /// Runs one sequence starting at position 0 and returns the logits of `outputPositions`
    /// (default: all), every matmul input it formed and the MoE routing.
    public func run(tokens: [Int32], outputPositions: [Int]? = nil) throws -> NaiveForwardResult {
        let c = configuration
        var recorder = NaiveForwardResult(outputPositions: outputPositions ?? Array(tokens.indices))
        let embedding = try weight("token_embd.weight")
        let embeddingScale = c.isGemma ? Double(c.embeddingLength).squareRoot() : 1
        var hidden: [[Double]] = try tokens.map { token in
            guard token >= 0, Int(token) < c.vocabularySize else {
                throw AssetError("token \(token) outside the vocabulary 0..<\(c.vocabularySize)")
            }
            let start = Int(token) * c.embeddingLength
            return embedding[start..<(start + c.embeddingLength)].map { $0 * embeddingScale }
        }
        for layer in 0..<c.blockCount {
            let attention = try attentionBlock(layer: layer, hidden: hidden, recorder: &recorder)
            for t in hidden.indices {
                for i in 0..<c.embeddingLength { hidden[t][i] += attention[t][i] }
            }
            let feedForward = try feedForwardBlock(layer: layer, hidden: hidden, recorder: &recorder)
            for t in hidden.indices {
                for i in 0..<c.embeddingLength { hidden[t][i] += feedForward[t][i] }
            }
        }
        let outputNorm = try weight("output_norm.weight")
        let output = try weight(outputTensorName)
        for position in recorder.outputPositions {
            let x = NaiveMath.rmsNorm(hidden[position], weight: outputNorm, epsilon: c.rmsEpsilon)
            recorder.record(outputTensorName, position: position, x)
            recorder.logits.append(NaiveMath.multiply(output, rows: c.vocabularySize, x))
        }
        return recorder
    }

    /// Attention of layer `layer` for every position: the value added to the residual stream.
    private func attentionBlock(layer: Int, hidden: [[Double]], recorder: inout NaiveForwardResult) throws -> [[Double]] {
        let c = configuration
        let p = "blk.\(layer)."
        let norm = try weight(p + "attn_norm.weight")
        let wo = try weight(p + "attn_output.weight")
        let bo = optionalWeight(p + "attn_output.bias"), sinks = optionalWeight(p + "attn_sinks.weight")
        let bq = optionalWeight(p + "attn_q.bias"), bk = optionalWeight(p + "attn_k.bias"), bv = optionalWeight(p + "attn_v.bias")
        let qNorm = optionalWeight(p + "attn_q_norm.weight"), kNorm = optionalWeight(p + "attn_k_norm.weight")
        let frequencyFactors = optionalWeight("rope_freqs.weight")
        let base = c.ropeBase(layer: layer), scale = c.ropeScale(layer: layer)

        var queries: [[Double]] = [], keys: [[Double]] = [], values: [[Double]] = []
        if c.isDeepSeek2 {
            (queries, keys, values) = try latentAttentionInputs(prefix: p, layer: layer, hidden: hidden, norm: norm, recorder: &recorder)
        }
        let wq = c.isDeepSeek2 ? [] : try weight(p + "attn_q.weight"), wk = c.isDeepSeek2 ? [] : try weight(p + "attn_k.weight")
        let wv = c.isDeepSeek2 ? [] : try weight(p + "attn_v.weight")
        for (t, h) in hidden.enumerated() where !c.isDeepSeek2 {
            let x = NaiveMath.rmsNorm(h, weight: norm, epsilon: c.rmsEpsilon)
            for name in ["attn_q", "attn_k", "attn_v"] { recorder.record(p + name + ".weight", position: t, x) }
            var q = NaiveMath.multiply(wq, rows: c.headCount * c.keyLength, x)
            var k = NaiveMath.multiply(wk, rows: c.headCountKV * c.keyLength, x)
            var v = NaiveMath.multiply(wv, rows: c.headCountKV * c.valueLength, x)
            if let bq { for i in q.indices { q[i] += bq[i] } }
            if let bk { for i in k.indices { k[i] += bk[i] } }
            if let bv { for i in v.indices { v[i] += bv[i] } }
            if let qNorm { q = Self.normalizeHeads(q, width: c.keyLength, weight: qNorm, epsilon: c.rmsEpsilon) }
            if let kNorm { k = Self.normalizeHeads(k, width: c.keyLength, weight: kNorm, epsilon: c.rmsEpsilon) }
            for head in 0..<c.headCount {
                NaiveMath.rope(&q, start: head * c.keyLength, dimensions: c.ropeDimensionCount, position: t,
                               base: base, scale: scale, frequencyFactors: frequencyFactors, style: c.ropeStyle,
                               yarnOriginalContext: c.yarnOriginalContext)
            }
            for head in 0..<c.headCountKV {
                NaiveMath.rope(&k, start: head * c.keyLength, dimensions: c.ropeDimensionCount, position: t,
                               base: base, scale: scale, frequencyFactors: frequencyFactors, style: c.ropeStyle,
                               yarnOriginalContext: c.yarnOriginalContext)
            }
            queries.append(q); keys.append(k); values.append(v)
        }

        let queryScale = c.attentionScale
        let groupSize = c.headCount / c.headCountKV
        var result: [[Double]] = []
        for t in hidden.indices {
            var heads = [Double](repeating: 0, count: c.headCount * c.valueLength)
            for head in 0..<c.headCount {
                let kvHead = head / groupSize
                var visible: [Int] = []
                for j in 0...t {
                    if c.usesSlidingWindow(layer: layer), let window = c.slidingWindow, t - j >= window { continue }
                    visible.append(j)
                }
                var scores: [Double] = []
                for j in visible {
                    var dot = 0.0
                    for d in 0..<c.keyLength { dot += queries[t][head * c.keyLength + d] * keys[j][kvHead * c.keyLength + d] }
                    scores.append(dot * queryScale)
                }
                // A sink is one more logit in the softmax, with no value.
                let probabilities = sinks.map { Array(NaiveMath.softmax(scores + [$0[head]]).dropLast()) }
                    ?? NaiveMath.softmax(scores)
                for (n, j) in visible.enumerated() {
                    for d in 0..<c.valueLength {
                        heads[head * c.valueLength + d] += probabilities[n] * values[j][kvHead * c.valueLength + d]
                    }
                }
            }
            if c.absorbedValueLength != nil { heads = try expandLatentHeads(prefix: p, position: t, heads, recorder: &recorder) }
            recorder.record(p + "attn_output.weight", position: t, heads)
            var out = NaiveMath.multiply(wo, rows: c.embeddingLength, heads)
            if let bo { for i in out.indices { out[i] += bo[i] } }
            if c.isGemma {
                out = NaiveMath.rmsNorm(out, weight: try weight(p + "post_attention_norm.weight"), epsilon: c.rmsEpsilon)
            }
            result.append(out)
        }
        return result
    }

    /// deepseek2's latent attention, decompressed: q = attn_q·x or attn_q_b·norm(attn_q_a·x);
    /// attn_kv_a_mqa·x = [latent | k_pe]; every head's key = [attn_kv_b·norm(latent) part | rope(k_pe)],
    /// its value the other part of attn_kv_b's output; RoPE on the trailing rope dims of q.
    private func latentAttentionInputs(prefix p: String, layer: Int, hidden: [[Double]], norm: [Double],
                                       recorder: inout NaiveForwardResult) throws -> ([[Double]], [[Double]], [[Double]]) {
        let c = configuration
        let rope = c.ropeDimensionCount, nope = c.queryHeadWidth - rope, rank = c.keyValueRank
        let heads = c.headCount
        var queries: [[Double]] = [], keys: [[Double]] = [], values: [[Double]] = []
        for (t, h) in hidden.enumerated() {
            let x = NaiveMath.rmsNorm(h, weight: norm, epsilon: c.rmsEpsilon)
            var q: [Double]
            if c.queryRank > 0 {
                recorder.record(p + "attn_q_a.weight", position: t, x)
                let a = NaiveMath.rmsNorm(NaiveMath.multiply(try weight(p + "attn_q_a.weight"), rows: c.queryRank, x),
                                          weight: try weight(p + "attn_q_a_norm.weight"), epsilon: c.rmsEpsilon)
                recorder.record(p + "attn_q_b.weight", position: t, a)
                q = NaiveMath.multiply(try weight(p + "attn_q_b.weight"), rows: heads * c.queryHeadWidth, a)
            } else {
                recorder.record(p + "attn_q.weight", position: t, x)
                q = NaiveMath.multiply(try weight(p + "attn_q.weight"), rows: heads * c.queryHeadWidth, x)
            }
            recorder.record(p + "attn_kv_a_mqa.weight", position: t, x)
            var kvA = NaiveMath.multiply(try weight(p + "attn_kv_a_mqa.weight"), rows: rank + rope, x)
            let compressed = NaiveMath.rmsNorm(Array(kvA[0..<rank]), weight: try weight(p + "attn_kv_a_norm.weight"),
                                               epsilon: c.rmsEpsilon)
            for head in 0..<heads {
                NaiveMath.rope(&q, start: head * c.queryHeadWidth + nope, dimensions: rope, position: t, base: c.ropeFrequencyBase,
                               scale: c.ropePositionScale, frequencyFactors: nil, style: c.ropeStyle,
                               yarnOriginalContext: c.yarnOriginalContext, yarnMagnitude: c.yarnLogMultiplier == 0)
            }
            NaiveMath.rope(&kvA, start: rank, dimensions: rope, position: t, base: c.ropeFrequencyBase,
                           scale: c.ropePositionScale, frequencyFactors: nil, style: c.ropeStyle,
                           yarnOriginalContext: c.yarnOriginalContext, yarnMagnitude: c.yarnLogMultiplier == 0)
            if c.absorbedValueLength != nil {
                // Absorbed: head h's query [attn_k_b(h)·q_nope(h) | q_pe(h)], one key [latent | k_pe], the latent as value.
                let wkb = try weight(p + "attn_k_b.weight")
                var absorbed: [Double] = []
                for head in 0..<heads {
                    let qNope = Array(q[(head * (nope + rope))..<(head * (nope + rope) + nope)])
                    recorder.record(p + "attn_k_b.weight", expert: head, position: t, qNope)
                    absorbed += NaiveMath.multiply(wkb, offset: head * rank * nope, rows: rank, qNope)
                    absorbed += q[(head * (nope + rope) + nope)..<((head + 1) * (nope + rope))]
                }
                queries.append(absorbed)
                keys.append(compressed + kvA[rank..<(rank + rope)])
                values.append(compressed)
                continue
            }
            recorder.record(p + "attn_kv_b.weight", position: t, compressed)
            let expanded = NaiveMath.multiply(try weight(p + "attn_kv_b.weight"), rows: heads * (nope + c.valueLength), compressed)
            var k: [Double] = [], v: [Double] = []
            for head in 0..<heads {
                let start = head * (nope + c.valueLength)
                k += expanded[start..<(start + nope)] + kvA[rank..<(rank + rope)]
                v += expanded[(start + nope)..<(start + nope + c.valueLength)]
            }
            queries.append(q); keys.append(k); values.append(v)
        }
        return (queries, keys, values)
    }

    /// deepseek2 absorbed: each head's latent attention output through its `attn_v_b` slice.
    private func expandLatentHeads(prefix p: String, position t: Int, _ latent: [Double],
                                   recorder: inout NaiveForwardResult) throws -> [Double] {
        let c = configuration
        let rank = c.keyValueRank, width = c.absorbedValueLength ?? 0
        let wvb = try weight(p + "attn_v_b.weight")
        var out: [Double] = []
        for head in 0..<c.headCount {
            let slice = Array(latent[(head * rank)..<((head + 1) * rank)])
            recorder.record(p + "attn_v_b.weight", expert: head, position: t, slice)
            out += NaiveMath.multiply(wvb, offset: head * width * rank, rows: width, slice)
        }
        return out
    }

    /// Per-head RMS norm (qwen3, qwen3moe, gemma3 q/k norms): each `width`-wide head separately.
    private static func normalizeHeads(_ x: [Double], width: Int, weight: [Double], epsilon: Double) -> [Double] {
        var y: [Double] = []
        for start in stride(from: 0, to: x.count, by: width) {
            y += NaiveMath.rmsNorm(Array(x[start..<(start + width)]), weight: weight, epsilon: epsilon)
        }
        return y
    }

    /// Feed-forward of layer `layer` for every position: the value added to the residual stream.
    private func feedForwardBlock(layer: Int, hidden: [[Double]], recorder: inout NaiveForwardResult) throws -> [[Double]] {
        let c = configuration
        let p = "blk.\(layer)."
        let norm = try weight(p + c.feedForwardNormName + ".weight")
        var result: [[Double]] = []
        for (t, h) in hidden.enumerated() {
            let x = NaiveMath.rmsNorm(h, weight: norm, epsilon: c.rmsEpsilon)
            var out = c.hasExperts(layer: layer)
                ? try mixtureOfExperts(prefix: p, layer: layer, position: t, x, recorder: &recorder)
                : try denseFeedForward(prefix: p, position: t, x, recorder: &recorder)
            if c.isGemma {
                out = NaiveMath.rmsNorm(out, weight: try weight(p + "post_ffw_norm.weight"), epsilon: c.rmsEpsilon)
            }
            result.append(out)
        }
        return result
    }

    /// down(act(gate·x) ⊙ (up·x)) with act = SiLU, or GELU(tanh) for gemma3.
    /// `suffix` is `_shexp` for glm4moe's shared experts, of width `width`.
    private func denseFeedForward(prefix p: String, suffix: String = "", width: Int? = nil, position t: Int, _ x: [Double],
                                  recorder: inout NaiveForwardResult) throws -> [Double] {
        let c = configuration
        let f = width ?? c.feedForwardLength
        recorder.record(p + "ffn_gate\(suffix).weight", position: t, x)
        recorder.record(p + "ffn_up\(suffix).weight", position: t, x)
        let gate = NaiveMath.multiply(try weight(p + "ffn_gate\(suffix).weight"), rows: f, x)
        let up = NaiveMath.multiply(try weight(p + "ffn_up\(suffix).weight"), rows: f, x)
        var activated = [Double](repeating: 0, count: f)
        for i in 0..<f {
            activated[i] = (c.isGemma ? NaiveMath.geluTanh(gate[i]) : NaiveMath.silu(gate[i])) * up[i]
        }
        recorder.record(p + "ffn_down\(suffix).weight", position: t, activated)
        return NaiveMath.multiply(try weight(p + "ffn_down\(suffix).weight"), rows: c.embeddingLength, activated)
    }

    /// Router softmax (glm4moe: sigmoid) over all experts, top-k by probability plus
    /// `exp_probs_b` when present, the unbiased probabilities as weights (renormalised to sum 1,
    /// scaled), SwiGLU per selected expert with its slices of `ffn_{gate,up,down}_exps`,
    /// weighted sum, plus the shared experts.
    private func mixtureOfExperts(
        prefix p: String, layer: Int, position t: Int, _ x: [Double], recorder: inout NaiveForwardResult
    ) throws -> [Double] {
        let c = configuration
        recorder.record(p + "ffn_gate_inp.weight", position: t, x)
        var routerLogits = NaiveMath.multiply(try weight(p + "ffn_gate_inp.weight"), rows: c.expertCount, x)
        if let bias = optionalWeight(p + "ffn_gate_inp.bias") { for e in routerLogits.indices { routerLogits[e] += bias[e] } }
        // gpt-oss chooses by logit and weighs by the softmax over the chosen logits.
        let probabilities = c.isGptOss ? routerLogits
            : c.sigmoidRouting ? routerLogits.map { 1 / (1 + exp(-$0)) } : NaiveMath.softmax(routerLogits)
        let bias = optionalWeight(p + "exp_probs_b.bias")
        // Margins in logits without a bias; with one, in the biased scores that choose.
        var scores = bias.map { b in probabilities.indices.map { probabilities[$0] + b[$0] } } ?? routerLogits
        if c.expertGroupCount > 1 {
            // Grouped top-k: only the best groups (by the sum of their two best scores) may be chosen.
            if bias == nil { scores = probabilities }
            let size = c.expertCount / c.expertGroupCount
            let groupScores = (0..<c.expertGroupCount).map { g in
                scores[(g * size)..<((g + 1) * size)].sorted(by: >).prefix(2).reduce(0, +)
            }
            let kept = Set(groupScores.indices.sorted { groupScores[$0] > groupScores[$1] }.prefix(c.expertGroupsUsed))
            for e in scores.indices where !kept.contains(e / size) { scores[e] = -.infinity }
        }
        let ranked = scores.indices.sorted { scores[$0] > scores[$1] }
        let selected = Array(ranked.prefix(c.expertUsedCount))
        if ranked.count > c.expertUsedCount {
            let margin = scores[ranked[c.expertUsedCount - 1]] - scores[ranked[c.expertUsedCount]]
            recorder.minimumRoutingMargin = min(recorder.minimumRoutingMargin, margin)
        }
        recorder.routing[layer, default: []].append(selected)
        var total = 0.0
        for e in selected { total += probabilities[e] }
        if !c.normalizeExpertWeights { total = 1 }
        var chosenWeight: [Int: Double] = [:]
        if c.isGptOss {
            let weights = NaiveMath.softmax(selected.map { probabilities[$0] })
            for (e, w) in zip(selected, weights) { chosenWeight[e] = w }
        }
        let gateBias = optionalWeight(p + "ffn_gate_exps.bias"), upBias = optionalWeight(p + "ffn_up_exps.bias")
        let downBias = optionalWeight(p + "ffn_down_exps.bias")

        let gates = try weight(p + "ffn_gate_exps.weight"), ups = try weight(p + "ffn_up_exps.weight")
        let downs = try weight(p + "ffn_down_exps.weight")
        let n = c.embeddingLength, f = c.expertLength
        var out = [Double](repeating: 0, count: n)
        for e in selected {
            recorder.record(p + "ffn_gate_exps.weight", expert: e, position: t, x)
            recorder.record(p + "ffn_up_exps.weight", expert: e, position: t, x)
            var gate = NaiveMath.multiply(gates, offset: e * f * n, rows: f, x)
            var up = NaiveMath.multiply(ups, offset: e * f * n, rows: f, x)
            if let gateBias { for i in 0..<f { gate[i] += gateBias[e * f + i] } }
            if let upBias { for i in 0..<f { up[i] += upBias[e * f + i] } }
            var activated = [Double](repeating: 0, count: f)
            for i in 0..<f {
                activated[i] = c.isGptOss ? NaiveMath.clampedSwiGLU(gate: gate[i], up: up[i]) : NaiveMath.silu(gate[i]) * up[i]
            }
            recorder.record(p + "ffn_down_exps.weight", expert: e, position: t, activated)
            var down = NaiveMath.multiply(downs, offset: e * n * f, rows: n, activated)
            if let downBias { for i in 0..<n { down[i] += downBias[e * n + i] } }
            let w = (chosenWeight[e] ?? probabilities[e] / total) * c.expertWeightsScale
            for i in 0..<n { out[i] += w * down[i] }
        }
        if c.sharedExperts > 0 {
            let shared = try denseFeedForward(prefix: p, suffix: "_shexp", width: c.expertLength * c.sharedExperts,
                                              position: t, x, recorder: &recorder)
            for i in 0..<n { out[i] += shared[i] }
        }
        return out
    }
}
