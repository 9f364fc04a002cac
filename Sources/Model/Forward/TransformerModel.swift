import GGUF
import Kernels
import Synchronization

/// A GGUF language model ready to evaluate on the CPU: its ``TransformerSpec`` read from the
/// metadata, every tensor bound by name with its shape checked, and the forward pass.
///
///     let model = try TransformerModel(file: GGUFFile(path: "gemma-3-270m-q4_k_m.gguf"))
///     try model.evaluate(TokenBatch(tokens: ids, sequenceLength: 512), logits: request)
///
/// Every weight product is `BLAS.sgemm` on float32 (see ``ModelOptions/weightCacheBytes`` for
/// where the float32 weights come from); the file stays memory-mapped. Evaluation uses shared
/// working buffers, so one model evaluates one batch at a time.
public final class TransformerModel {
    /// The file the weights live in.
    public let file: GGUFFile
    /// The description the forward pass executes.
    public let spec: TransformerSpec
    /// The options the model was loaded with.
    public let options: ModelOptions
    /// Whether the logits use `token_embd.weight` because the file has no `output.weight`.
    public let hasTiedOutput: Bool

    let tokenEmbedding: LinearWeight
    let outputNorm: [Float]
    let output: LinearWeight
    let blocks: [BlockWeights]
    let store: WeightStore
    private let workspace = Workspace()
    private var rotaryTables: [RotaryKey: RotaryTable] = [:]

    /// Opens and binds the model at `path`.
    public convenience init(path: String, options: ModelOptions = ModelOptions()) throws(GGUFError) {
        try self.init(file: GGUFFile(path: path), options: options)
    }

    /// Binds `file`'s tensors and caches float32 weights within the budget.
    /// - Throws: ``GGUFError`` naming the key or tensor: unsupported architecture (listing the
    ///   supported ones), a missing key or tensor, a tensor of the wrong shape.
    public init(file original: GGUFFile, options: ModelOptions = ModelOptions()) throws(GGUFError) {
        let file = try original.overriding(options.metadataOverrides)
        self.file = file
        self.options = options
        let metadata = file.metadata
        let family = try ArchitectureFamily(metadata: metadata)
        try Self.checkBlockCount(file)
        let embeddingTensor = try file.tensor(named: "token_embd.weight")
        let vocabularySize = embeddingTensor.shape.count >= 2 ? embeddingTensor.shape[1] : 0
        var spec: TransformerSpec
        switch family {
        case .llama:
            let configuration = try LlamaConfiguration(metadata: metadata)
            let factors = try WeightBinder(file: file).optionalVector(
                "rope_freqs.weight", length: configuration.common.ropeDimensions / 2)
            spec = configuration.spec(vocabularySize: vocabularySize, frequencyFactors: factors)
        case .qwen2: spec = try Qwen2Configuration(metadata: metadata).spec(vocabularySize: vocabularySize)
        case .qwen3: spec = try Qwen3Configuration(metadata: metadata).spec(vocabularySize: vocabularySize)
        case .qwen3moe: spec = try Qwen3MoEConfiguration(metadata: metadata).spec(vocabularySize: vocabularySize)
        case .gemma3: spec = try Gemma3Configuration(metadata: metadata).spec(vocabularySize: vocabularySize)
        case .glm4moe: spec = try Glm4MoEConfiguration(metadata: metadata).spec(vocabularySize: vocabularySize)
        case .gptOSS: spec = try GptOssConfiguration(metadata: metadata).spec(vocabularySize: vocabularySize)
        case .deepseek2: spec = try DeepSeek2Configuration(metadata: metadata).spec(vocabularySize: vocabularySize)
        }
        self.spec = spec
        let binder = WeightBinder(file: file)
        tokenEmbedding = try binder.matrix("token_embd.weight", inFeatures: spec.embeddingLength,
                                           outFeatures: vocabularySize)
        outputNorm = try binder.vector("output_norm.weight", length: spec.embeddingLength)
        if binder.contains("output.weight") {
            output = try binder.matrix("output.weight", inFeatures: spec.embeddingLength, outFeatures: vocabularySize)
            hasTiedOutput = false
        } else {
            output = tokenEmbedding
            hasTiedOutput = true
        }
        var blocks: [BlockWeights] = []
        for layer in 0..<spec.blockCount {
            blocks.append(try BlockWeights(layer: layer, spec: spec, binder: binder))
        }
        self.blocks = blocks
        store = WeightStore(file: file, threads: options.threads,
                            quantizedProducts: options.quantizedProducts && options.activationPrecision == .ggmlCPU)
        try store.cache(blocks.flatMap(\.matrices) + [output], budgetBytes: options.weightCacheBytes)
        if !hasTiedOutput { store.keepMapped(tokenEmbedding, budgetBytes: options.weightCacheBytes) }
        // All parallelism is ours: OpenBLAS runs single-threaded inside our loops (see
        // BLAS.parallelProductTransposed), so no second thread pool spins between products.
        BLAS.setThreadCount(1)
    }

    /// Refuses a `block_count` the file cannot hold (every block has its own tensors) before
    /// anything is sized by it.
    private static func checkBlockCount(_ file: GGUFFile) throws(GGUFError) {
        let metadata = file.metadata
        guard let blocks = try? metadata.int(.blockCount), blocks > file.tensors.count else { return }
        throw GGUFError(file: metadata.source, field: try metadata.key(.blockCount), kind: .invalidValue,
                        message: "\(blocks) blocks, but the file has only \(file.tensors.count) tensors (each block has its own)")
    }

    /// Bytes of float32 weights held in memory by the cache.
    public var cachedWeightBytes: Int { store.cachedBytes }

    /// The name the observer reports for the output matrix.
    public var outputTensorName: String { output.name }

    /// Runs `batch` through the model.
    ///
    /// - Parameters:
    ///   - observer: receives the input of every weight product (``ActivationObserver``). With an
    ///     observer every row goes through the last block, as in llama-imatrix; without one the
    ///     last block's attention output and feed-forward run only for rows whose logits are
    ///     requested. The observer sees the output matrix's input for every row, even when
    ///     `logits` is nil (the product itself then does not run).
    ///   - logits: the positions whose logits are computed and their consumer; nil skips the
    ///     output projection entirely.
    /// - Throws: ``ModelError``: ``ModelError/Kind/batch`` for a token id outside the vocabulary,
    ///   a sequence longer than the context length or a requested position outside the sequence;
    ///   ``ModelError/Kind/nonFinite`` for non-finite router logits; ``ModelError/Kind/weights``
    ///   (wrapping the ``GGUFError``) for a dequantization failure.
    public func evaluate(_ batch: TokenBatch, observer: (any ActivationObserver)? = nil,
                         logits: LogitsRequest? = nil) throws(ModelError) {
        try validate(batch, logits: logits)
        let tokenCount = batch.tokens.count
        let width = spec.embeddingLength
        let threads = options.threads
        let operations = RowOperations(threads: threads)
        let project = Projection(store: store, observer: observer, threads: threads,
                                 precision: options.activationPrecision, roundedInput: workspace.roundedInput,
                                 quantizedInputs: workspace.quantizedInputs)
        let space = workspace

        var hidden = space.hidden.reserve(tokenCount * width)
        try embed(batch.tokens, into: hidden)

        let selected = selectedRows(batch, logits: logits)
        var rows = tokenCount
        var compacted = false // whether `hidden` holds only the selected rows, in request order
        var rowNames = BatchRowNames(source: file.path, firstChunk: batch.firstChunk,
                                     sequenceLength: batch.sequenceLength, compactedTokens: nil)
        for (layer, block) in blocks.enumerated() {
            let normed = space.normed.reserve(rows * width)
            operations.rmsNorm(hidden, weight: block.attentionNorm, rows: rows, width: width,
                               epsilon: spec.normEpsilon, into: normed)
            var attention = try attend(normed, rows: rows, batch: batch, layer: layer, block: block,
                                       project: project, operations: operations)
            if layer == blocks.count - 1, observer == nil, let selected {
                // Only the rows whose logits are wanted need the rest of the last block.
                let compactAttention = space.compactAttention.reserve(selected.count * spec.attentionOutputWidth)
                let compactHidden = space.compactHidden.reserve(selected.count * width)
                selected.withUnsafeBufferPointer { indices in
                    operations.gather(attention, width: spec.attentionOutputWidth, indices: indices.baseAddress!,
                                      count: indices.count, into: compactAttention)
                    operations.gather(hidden, width: width, indices: indices.baseAddress!,
                                      count: indices.count, into: compactHidden)
                }
                attention = compactAttention
                hidden = compactHidden
                rows = selected.count
                compacted = true
                rowNames.compactedTokens = selected
            }
            let projected = space.projected.reserve(rows * width)
            try project(block.attentionOutput, input: attention, rows: rows, into: projected)
            if let bias = block.attentionOutputBias { operations.addBias(projected, bias: bias, rows: rows) }
            if let norm = block.postAttentionNorm {
                operations.rmsNorm(projected, weight: norm, rows: rows, width: width, epsilon: spec.normEpsilon, into: projected)
            }
            operations.add(hidden, projected, count: rows * width)

            operations.rmsNorm(hidden, weight: block.feedForwardNorm, rows: rows, width: width,
                               epsilon: spec.normEpsilon, into: normed)
            try feedForward(block, layer: layer, input: normed, rows: rows, project: project, operations: operations,
                            rowNames: rowNames, into: projected)
            if let norm = block.postFeedForwardNorm {
                operations.rmsNorm(projected, weight: norm, rows: rows, width: width, epsilon: spec.normEpsilon, into: projected)
            }
            operations.add(hidden, projected, count: rows * width)
        }

        if let observer {
            // llama-imatrix asks for the logits of every token, so the output matrix's input is
            // observed for every row, whether or not (and for whichever rows) logits are computed.
            let everyRow = space.normed.reserve(tokenCount * width)
            operations.rmsNorm(hidden, weight: outputNorm, rows: tokenCount, width: width,
                               epsilon: spec.normEpsilon, into: everyRow)
            observer.observe(ObservedActivation(tensorName: output.name, input: everyRow, rows: tokenCount,
                                                columns: width, expert: nil))
            guard let logits, let selected else { return }
            let final = space.compactHidden.reserve(selected.count * width)
            selected.withUnsafeBufferPointer { indices in
                operations.gather(everyRow, width: width, indices: indices.baseAddress!, count: indices.count, into: final)
            }
            roundForOutput(final, rows: selected.count)
            try OutputProjection(weight: output, store: store, threads: threads, quantizedInputs: space.quantizedInputs).run(
                final, rows: selected.count, request: logits,
                weightScratch: space.outputWeights, logitsScratch: space.logits)
            return
        }
        guard let logits, let selected else { return }
        let final = space.normed.reserve(selected.count * width)
        if compacted {
            operations.rmsNorm(hidden, weight: outputNorm, rows: rows, width: width, epsilon: spec.normEpsilon, into: final)
        } else {
            selected.withUnsafeBufferPointer { indices in
                operations.gather(hidden, width: width, indices: indices.baseAddress!, count: indices.count, into: final)
            }
            operations.rmsNorm(final, weight: outputNorm, rows: selected.count, width: width,
                               epsilon: spec.normEpsilon, into: final)
        }
        roundForOutput(final, rows: selected.count)
        try OutputProjection(weight: output, store: store, threads: threads, quantizedInputs: space.quantizedInputs).run(
            final, rows: selected.count, request: logits,
            weightScratch: space.outputWeights, logitsScratch: space.logits)
    }

    // MARK: - Steps

    /// Embedding rows of `tokens` (scaled for Gemma) into `hidden`.
    private func embed(_ tokens: [Int32], into hidden: UnsafeMutablePointer<Float>) throws(ModelError) {
        let width = spec.embeddingLength, scale = spec.embeddingScale
        let weight = tokenEmbedding
        let failure = Mutex<ModelError?>(nil)
        tokens.withUnsafeBufferPointer { tokens in
            Parallel.forEachRange(count: tokens.count, threads: options.threads, grain: 16) { range in
                for index in range {
                    let row = Int(tokens[index])
                    let destination = hidden + index * width
                    do throws(ModelError) {
                        let values = try store.rows(weight, row..<(row + 1), scratch: destination, threads: 1)
                        if values != UnsafePointer(destination) { destination.update(from: values, count: width) }
                    } catch {
                        failure.withLock { $0 = error } // the same error for every row; any one will do
                    }
                    if scale != 1 { VectorMath.scale(destination, count: width, by: scale) }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        // The rows looked up touch pages (and the kernel's folios around them) all over the table.
        store.releaseAfterUse(weight)
    }

    /// q, k, v projections (with biases, q/k norms and RoPE) and attention; returns the
    /// concatenated head outputs (rows × attentionOutputWidth) in the workspace.
    private func attend(_ normed: UnsafePointer<Float>, rows: Int, batch: TokenBatch, layer: Int, block: BlockWeights,
                        project: Projection, operations: RowOperations) throws(ModelError) -> UnsafeMutablePointer<Float> {
        let space = workspace
        let query = space.query.reserve(rows * spec.queryWidth)
        let key = space.key.reserve(rows * spec.keyWidth)
        let value = space.value.reserve(rows * spec.valueWidth)
        let table = rotaryTable(layer: layer, length: batch.sequenceLength)
        switch block.projections {
        case .standard(let queryWeight, let keyWeight, let valueWeight):
            try project.sharing(normed, rows: rows) { () throws(ModelError) in
                try project(queryWeight, input: normed, rows: rows, into: query)
                try project(keyWeight, input: normed, rows: rows, into: key)
                try project(valueWeight, input: normed, rows: rows, into: value)
            }
        case .latent(let weights):
            try LatentAttentionProjection(weights: weights, spec: spec, latent: spec.latentAttention!).run(
                normed, rows: rows, rotary: table, project: project, operations: operations, buffers: space.latent,
                threads: options.threads, query: query, key: key, value: value)
        }
        if let bias = block.queryBias { operations.addBias(query, bias: bias, rows: rows) }
        if let bias = block.keyBias { operations.addBias(key, bias: bias, rows: rows) }
        if let bias = block.valueBias { operations.addBias(value, bias: bias, rows: rows) }
        if let norm = block.queryNorm {
            operations.rmsNorm(query, weight: norm, rows: rows * spec.headCount, width: spec.keyLength,
                               epsilon: spec.normEpsilon, into: query)
        }
        if let norm = block.keyNorm {
            operations.rmsNorm(key, weight: norm, rows: rows * spec.headCountKV, width: spec.keyLength,
                               epsilon: spec.normEpsilon, into: key)
        }
        if spec.latentAttention == nil { // latent attention rotates its own position parts
            table.apply(to: query, rows: rows, heads: spec.headCount, headWidth: spec.keyLength, threads: options.threads)
            table.apply(to: key, rows: rows, heads: spec.headCountKV, headWidth: spec.keyLength, threads: options.threads)
        }

        let attention = space.attention.reserve(rows * spec.attentionOutputWidth)
        let length = batch.sequenceLength
        let kernelSpec = spec.attentionKernelSpec
        let absorbed = spec.latentAttention?.absorbedValueLength != nil
        let kernelOutput = absorbed ? space.latent.latentOutput.reserve(rows * kernelSpec.attentionOutputWidth) : attention
        CausalAttention(spec: kernelSpec, threads: options.threads).run(
            query: query, key: key, value: value, sequences: rows / length, length: length,
            window: spec.layers[layer].slidingWindow, sinks: block.attentionSinks,
            scores: space.scores.reserve(options.threads * CausalAttention.queryBlock * length), output: kernelOutput)
        if absorbed, case .latent(let weights) = block.projections {
            try LatentAttentionProjection(weights: weights, spec: spec, latent: spec.latentAttention!).expandValues(
                kernelOutput, rows: rows, project: project, buffers: space.latent, into: attention)
        }
        return attention
    }

    private func feedForward(_ block: BlockWeights, layer: Int, input: UnsafePointer<Float>, rows: Int, project: Projection,
                             operations: RowOperations, rowNames: BatchRowNames,
                             into output: UnsafeMutablePointer<Float>) throws(ModelError) {
        let space = workspace
        switch (block.feedForward, spec.layers[layer].feedForward) {
        case (.dense(let weights), .dense(_, let activation)):
            try DenseFeedForward(gate: weights.gate, up: weights.up, down: weights.down, activation: activation).run(
                input, rows: rows, project: project, operations: operations,
                gateBuffer: space.gate.reserve(rows * weights.gate.outFeatures),
                upBuffer: space.up.reserve(rows * weights.up.outFeatures), into: output)
        case (.experts(let weights), .experts(let expertBlock)):
            let width = max(expertBlock.length, expertBlock.sharedLength)
            try ExpertFeedForward(tensors: weights, block: expertBlock).run(
                input, rows: rows, project: project, operations: operations,
                gateBuffer: space.gate.reserve(rows * width), upBuffer: space.up.reserve(rows * width),
                buffers: space.experts, rowNames: rowNames, into: output)
        case (.dense, .experts), (.experts, .dense):
            preconditionFailure("block weights were bound from the same spec")
        }
    }

    // MARK: - Helpers

    /// Rounds the output product's input in place as ggml would for the output weight's type.
    private func roundForOutput(_ rows: UnsafeMutablePointer<Float>, rows count: Int) {
        guard !store.usesQuantizedProduct(output) else { return } // the quantized product rounds its own input
        let rounding = ActivationRounding(weight: output.effectiveType, precision: options.activationPrecision)
        guard rounding.changes(columns: spec.embeddingLength) else { return }
        rounding.apply(rows, rows: count, columns: spec.embeddingLength, into: rows, threads: options.threads)
    }

    private struct RotaryKey: Hashable {
        let base: Float
        let scale: Float
        let length: Int
    }

    private func rotaryTable(layer: Int, length: Int) -> RotaryTable {
        let layerSpec = spec.layers[layer]
        let key = RotaryKey(base: layerSpec.ropeBase, scale: layerSpec.ropeScale, length: length)
        if let table = rotaryTables[key] { return table }
        let table = RotaryTable(spec: spec.rope, base: layerSpec.ropeBase, scale: layerSpec.ropeScale, length: length)
        rotaryTables[key] = table
        return table
    }

    /// Batch rows whose logits are requested, in request order.
    private func selectedRows(_ batch: TokenBatch, logits: LogitsRequest?) -> [Int32]? {
        guard let logits else { return nil }
        var rows: [Int32] = []
        rows.reserveCapacity(batch.sequenceCount * logits.positions.count)
        for sequence in 0..<batch.sequenceCount {
            for position in logits.positions { rows.append(Int32(sequence * batch.sequenceLength + position)) }
        }
        return rows
    }

    private func validate(_ batch: TokenBatch, logits: LogitsRequest?) throws(ModelError) {
        func invalid(_ field: String, _ message: String) -> ModelError {
            ModelError(file: file.path, field: field, kind: .batch, message: message)
        }
        guard batch.sequenceLength <= spec.contextLength else {
            throw invalid("\(spec.family.rawValue).context_length",
                          "sequence length \(batch.sequenceLength) exceeds the model's context length \(spec.contextLength)")
        }
        if let bad = batch.tokens.firstIndex(where: { $0 < 0 || Int($0) >= spec.vocabularySize }) {
            throw invalid("tokens[\(bad)]", "token id \(batch.tokens[bad]) is outside the vocabulary of \(spec.vocabularySize)")
        }
        if let logits, let bad = logits.positions.first(where: { !(0..<batch.sequenceLength).contains($0) }) {
            throw invalid("logits.positions", "position \(bad) is outside the sequence of \(batch.sequenceLength)")
        }
    }
}
