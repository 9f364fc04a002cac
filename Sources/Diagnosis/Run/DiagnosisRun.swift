import Foundation
import GGUF
import Harness
import IMatrix
import Kernels
import Model
import Weighting

/// `imx diagnose` as a library call: one forward pass over the text feeds an imatrix
/// accumulator and the ``ActivationDiagnostics`` observer for the tensors matching the
/// pattern; then every such tensor is diagnosed (``TensorDiagnoser``), the module families
/// summarised and the findings stated. Optionally the collected imatrix is written, and the
/// weights and sampled activations are dumped as f32bin files.
public struct DiagnosisRun {
    /// What to run.
    public struct Settings: Sendable, TextRunConfigured {
        /// The model, the text, the chunking and how the model computes.
        public var text: TextRunSettings
        /// Tensors to diagnose (a regular expression searched in the tensor name).
        public var tensorPattern = "^blk\\."
        public var bits = [2, 3, 4]
        /// Elements per group of the round-to-nearest baseline.
        public var groupSize = 32
        /// Sampled input rows per tensor for the scale search (0: none).
        public var sampleRows = 512
        /// Write dequantized weights and sampled activations here.
        public var dumpDirectory: String?
        /// Write the collected imatrix here (GGUF format).
        public var imatrixOutput: String?
        /// Compare ggml's quantizers with this imatrix instead of the collected one.
        public var imatrixInput: String?
        /// A formula compared with `llama` at every type.
        public var formula: String?
        /// A sweep output folder whose best formula per type is compared with `llama`.
        public var sweepDirectory: String?

        public init(modelPath: String, textPath: String) {
            self.text = TextRunSettings(modelPath: modelPath, textPath: textPath)
        }
    }

    public let settings: Settings

    public init(settings: Settings) { self.settings = settings }

    /// Checks the settings that need no model; the rest is checked once the model is open.
    /// - Throws: ``EvaluationError`` naming the option.
    public static func validate(_ settings: Settings) throws(EvaluationError) -> NSRegularExpression {
        for width in settings.bits where !(2...8).contains(width) {
            throw EvaluationError(source: "--bits", field: "bits", message: "\(width) is outside 2…8")
        }
        if settings.bits.isEmpty { throw EvaluationError(source: "--bits", field: "bits", message: "no bit width given") }
        if settings.groupSize < 1 {
            throw EvaluationError(source: "--group-size", field: "group-size", message: "\(settings.groupSize) must be at least 1")
        }
        if settings.sampleRows < 0 {
            throw EvaluationError(source: "--sample-rows", field: "sample-rows", message: "\(settings.sampleRows) must not be negative")
        }
        do { return try NSRegularExpression(pattern: settings.tensorPattern) } catch {
            throw EvaluationError(source: "--tensors", field: "tensors", message: "'\(settings.tensorPattern)' is not a valid regular expression")
        }
    }

    /// Runs the pass and the diagnosis. `onStart` gets the tensors to diagnose and the chunk
    /// count; `onChunk` the chunks done and elapsed seconds; `onTensor` each finished tensor.
    public func run(onStart: (_ tensors: [String], _ chunks: Int) -> Void = { _, _ in },
                    onChunk: (_ done: Int, _ seconds: Double) -> Void = { _, _ in },
                    onTensor: (TensorDiagnosis) -> Void = { _ in }) throws -> DiagnosisResult {
        let pattern = try Self.validate(settings)
        if let output = settings.imatrixOutput { try OutputLocation.checkWritable(output) }
        if let directory = settings.dumpDirectory { try Self.prepareDumpDirectory(directory) }
        let formulas = try DiagnosisFormulas.load(formula: settings.formula, sweepDirectory: settings.sweepDirectory)
        let model = try ChunkedTextRun.openModel(
            path: settings.modelPath, contextLength: settings.contextLength,
            options: settings.text.modelOptions)
        let diagnostics = ActivationDiagnostics(pattern: pattern, sampleRows: settings.sampleRows, threads: settings.threads)
        let selected = model.matrices.filter { diagnostics.collects($0.name) }
        guard !selected.isEmpty else {
            throw EvaluationError(source: settings.modelPath, field: "tensors",
                                  message: "the pattern '\(settings.tensorPattern)' matches none of the model's \(model.matrices.count) weight matrices (e.g. \(model.matrices.prefix(3).map(\.name).joined(separator: ", ")))")
        }
        let imported = try settings.imatrixInput.map { try ImportanceMatrix.read(path: $0) }
        let plan = try ChunkedTextRun.plan(model: model, textPath: settings.textPath, contextLength: settings.contextLength,
                                           chunks: settings.chunks, processEscapes: settings.processEscapes)
        onStart(selected.map(\.name), plan.chunkCount)

        let accumulator = ImatrixAccumulator(threads: settings.threads)
        accumulator.source = settings.modelPath
        let evaluator = PerplexityEvaluator(model: model, plan: plan,
                                            chunksPerBatch: max(1, settings.batchTokens / settings.contextLength))
        let fanOut = ObserverFanOut([accumulator, diagnostics])
        let start = Date()
        var next = 0
        while next < plan.chunkCount {
            let end = min(plan.chunkCount, next + evaluator.chunksPerBatch)
            accumulator.batchOrigin = (firstChunk: next, chunkSize: plan.contextLength)
            _ = try evaluator.evaluate(chunks: next..<end, observer: fanOut, scoring: false)
            if let failure = accumulator.failure { throw failure }
            next = end
            onChunk(next, Date().timeIntervalSince(start))
        }
        accumulator.collection.updateChunkCount(chunkSize: plan.contextLength)
        accumulator.collection.datasets.append(settings.textPath)
        if let output = settings.imatrixOutput {
            _ = try ImatrixWriter(format: .gguf, chunkSize: plan.contextLength, policy: nil).write(accumulator.collection, to: output)
        }
        let importance = imported ?? ImportanceMatrix(collection: accumulator.collection, source: settings.modelPath)
        let diagnoser = TensorDiagnoser(bits: settings.bits, groupSize: settings.groupSize, importance: importance,
                                        formulas: formulas, threads: settings.threads)
        var tensors: [TensorDiagnosis] = []
        var unseen: [String] = []
        var dumpedInputs = Set<String>()
        for matrix in selected {
            guard let collected = diagnostics.tensors[matrix.name] else {
                unseen.append(matrix.name)
                continue
            }
            let weights = try model.file.dequantize(try model.file.tensor(named: matrix.name), threads: settings.threads)
            let diagnosis = try diagnoser.diagnose(matrix: matrix, weights: weights, collected: collected)
            if let directory = settings.dumpDirectory {
                try Self.dump(matrix: matrix, weights: weights, collected: collected, to: directory, inputsDone: &dumpedInputs)
            }
            tensors.append(diagnosis)
            onTensor(diagnosis)
        }
        let families = DiagnosisFindings.families(tensors, bits: settings.bits)
        return DiagnosisResult(
            model: settings.modelPath, text: settings.textPath, contextLength: plan.contextLength, chunks: plan.chunkCount,
            tokens: plan.chunkCount * plan.contextLength, tensorPattern: settings.tensorPattern, bits: settings.bits,
            groupSize: settings.groupSize, sampleRows: settings.sampleRows, formula: DiagnosisFormulas.describe(formulas),
            tensors: tensors, families: families,
            findings: DiagnosisFindings.statements(tensors: tensors, families: families, bits: settings.bits, unseen: unseen))
    }

    /// Creates the dump folder and checks that files can be written in it.
    static func prepareDumpDirectory(_ directory: String) throws {
        try ReportFile.makeDirectory(directory)
        guard access(directory, W_OK) == 0 else {
            throw EvaluationError(source: directory, field: "dump", message: "the dump folder is not writable")
        }
    }

    /// Writes the tensor's dequantized weights and, once per block and input, its sampled rows.
    static func dump(matrix: ModelMatrix, weights: [Float], collected: ActivationDiagnostics.Tensor, to directory: String,
                     inputsDone: inout Set<String>) throws {
        let folder = URL(fileURLWithPath: directory)
        try weights.withUnsafeBufferPointer {
            try Float32MatrixFile.write($0, rows: matrix.outFeatures * matrix.experts, columns: matrix.inFeatures,
                                        to: folder.appendingPathComponent(Float32MatrixFile.weightFileName(tensor: matrix.name)).path)
        }
        let input = ProductInput.name(forTensor: matrix.name)
        let file = Float32MatrixFile.activationFileName(block: input.block, input: input.input)
        guard collected.sample.count > 0, inputsDone.insert(file).inserted else { return }
        try collected.sample.values.withUnsafeBufferPointer {
            try Float32MatrixFile.write($0, rows: collected.sample.count, columns: matrix.inFeatures,
                                        to: folder.appendingPathComponent(file).path)
        }
    }
}
