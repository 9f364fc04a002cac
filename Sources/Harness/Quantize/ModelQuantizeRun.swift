import Foundation
import GGUF
import Kernels
import Quantization
import Weighting

/// `imx quantize`: a model quantized to a llama.cpp file type with any weighting formula,
/// written as llama-quantize writes it (same tensor types, order, metadata and padding, and
/// with the `llama` formula the same bytes). Every check runs before the output is created;
/// tensors are converted one at a time through the mapping into a temporary file renamed at the end.
public enum ModelQuantizeRun {
    /// What was (or, for a dry run, would be) written.
    public struct Summary: Sendable {
        public let plan: [PlannedTensor]
        public let inputBytes: Int
        public let outputBytes: Int
        public let elementCount: Int
        public let files: [String]
    }

    public static func run(_ settings: QuantizeSettings, log: (String) -> Void) throws -> Summary {
        let file: GGUFFile
        do { file = try GGUFFile(path: settings.input) } catch { throw error }
        let importance = try loadImportance(settings)
        let metadata = QuantizedMetadata.compose(
            input: file.metadata, fileTypeID: try fileTypeID(settings, file: file), overrides: settings.metadataOverrides,
            importance: importance.map {
                QuantizedMetadata.Importance(path: settings.imatrix ?? $0.path, dataset: $0.datasets.first,
                                             entryCount: $0.entries.count, chunkCount: $0.chunkCount)
            }, formulas: settings.formulas)
        let plan = try QuantizePreflight.plan(settings, file: file, metadata: metadata, importance: importance)
        let elements = file.tensors.reduce(0) { $0 + $1.elementCount }
        let inputBytes = file.tensors.reduce(0) { $0 + $1.byteCount }
        let descriptors = try plan.map { tensor throws(GGUFError) in
            try GGUFTensorDescriptor(name: tensor.name, type: tensor.targetType,
                                     shape: Array(tensor.shape.prefix(QuantizationEligibility.dimensionCount(tensor.shape))))
        }
        let outputBytes = descriptors.reduce(0) { $0 + $1.byteCount }
        for (index, tensor) in plan.enumerated() { log(QuantizeLog.line(index: index, of: plan.count, tensor)) }
        let summary = Summary(plan: plan, inputBytes: inputBytes, outputBytes: outputBytes, elementCount: elements,
                              files: settings.dryRun ? [] : [settings.output])
        guard !settings.dryRun else { return summary }
        let converter = TensorConverter(file: file, importance: importance, formulas: settings.formulas, threads: settings.threads)
        var failure: QuantizeError?
        do {
            try GGUFStreamingWriter.write(metadata: metadata, tensors: descriptors, to: settings.output) { (index, buffer) throws(GGUFError) in
                let tensor = plan[index]
                if tensor.isConverted {
                    do throws(QuantizeError) { try converter.convert(tensor, into: buffer) } catch {
                        failure = error
                        throw GGUFError(file: settings.output, field: tensor.name, kind: .io, message: error.description)
                    }
                } else {
                    let info = try file.tensor(named: tensor.name)
                    buffer.copyMemory(from: file.data(of: info))
                    file.releasePages(of: info)
                }
            }
        } catch {
            if let failure { throw failure }
            throw error
        }
        return summary
    }

    /// `general.file_type` of the output: the mix's, or for COPY the input's own.
    private static func fileTypeID(_ settings: QuantizeSettings, file: GGUFFile) throws -> Int {
        guard settings.fileType.isCopy else { return settings.fileType.id }
        guard let stored = try file.metadata.intIfPresent("general.file_type") else {
            throw QuantizeError(file: file.path, field: "general.file_type", message: "COPY keeps the input's file type, and this file records none")
        }
        return stored
    }

    /// The imatrix as llama-quantize reads it, narrowed by `--include-weights`/`--exclude-weights`.
    private static func loadImportance(_ settings: QuantizeSettings) throws -> ImportanceMatrix? {
        guard let path = settings.imatrix else { return nil }
        var importance = try ImportanceMatrix.load(path: path)
        if !settings.excludeWeights.isEmpty {
            importance.filter { name in !settings.excludeWeights.contains { name.contains($0) } }
        }
        if !settings.includeWeights.isEmpty {
            importance.filter { name in settings.includeWeights.contains { name.contains($0) } }
        }
        return importance.entries.isEmpty ? nil : importance
    }
}
