import Foundation
import GGUF
import IMatrix
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
        let file = try GGUFFile(path: settings.input)
        let importance = try loadImportance(settings)
        let metadata = QuantizedMetadata.compose(
            input: file.metadata, fileTypeID: try fileTypeID(settings, file: file), overrides: settings.metadataOverrides,
            importance: importance.map { QuantizedMetadata.Importance($0, path: settings.imatrix ?? $0.path) },
            formulas: settings.formulas)
        let plan = try QuantizePreflight.plan(settings, file: file, metadata: metadata, importance: importance)
        let outputs = outputPaths(settings, splitCount: splitCount(plan, settings))
        let summary = try execute(plan, metadata: metadata, file: file, importance: importance, formulas: settings.formulas,
                           threads: settings.threads, outputs: settings.dryRun ? [] : outputs, keepSplit: settings.keepSplit, log: log)
        if settings.dryRun && importance == nil, let needy = plan.first(where: { $0.allowsQuantization && $0.requiresImportance }) {
            log("note: quantizing for real will require an imatrix (\(needy.name) gets \(needy.targetType.name))")
        }
        return summary
    }

    /// Writes `plan` (every tensor's target type, in output order) with `metadata` into
    /// `outputs` (one file, or one per input split with `keepSplit`; none for a dry run),
    /// converting each changed tensor with its formula and the importance.
    public static func execute(
        _ plan: [PlannedTensor], metadata: GGUFMetadata, file: GGUFFile, importance: ImportanceMatrix?, formulas: FormulaRules,
        threads: Int, outputs: [String], keepSplit: Bool = false, log: (String) -> Void
    ) throws -> Summary {
        let elements = file.tensors.reduce(0) { $0 + $1.elementCount }
        let inputBytes = file.tensors.reduce(0) { $0 + $1.byteCount }
        let descriptors = try plan.map { tensor throws(GGUFError) in
            try GGUFTensorDescriptor(name: tensor.name, type: tensor.targetType,
                                     shape: Array(tensor.shape.prefix(QuantizationEligibility.dimensionCount(tensor.shape))))
        }
        let outputBytes = descriptors.reduce(0) { $0 + $1.byteCount }
        for (index, tensor) in plan.enumerated() { log(QuantizeLog.line(index: index, of: plan.count, tensor)) }
        let summary = Summary(plan: plan, inputBytes: inputBytes, outputBytes: outputBytes, elementCount: elements, files: outputs)
        let converter = TensorConverter(file: file, importance: importance, formulas: formulas, threads: threads)
        for (split, path) in outputs.enumerated() {
            let members = plan.indices.filter { !keepSplit || plan[$0].split == split }
            try write(members.map { plan[$0] }, descriptors: members.map { descriptors[$0] },
                      metadata: splitMetadata(metadata, split: split, of: outputs.count, tensors: plan.count),
                      to: path, file: file, converter: converter)
        }
        return summary
    }

    /// The files a run writes: OUT, or with `--keep-split` one per input split named as
    /// llama-quantize names them (`OUT` without `.gguf`, then `-00001-of-0000N.gguf`).
    public static func outputPaths(_ settings: QuantizeSettings, splitCount: Int) -> [String] {
        guard settings.keepSplit else { return [settings.output] }
        let prefix = settings.output.contains(".gguf") ? String(settings.output.dropLast(5)) : settings.output
        return (0..<splitCount).map { GGUFFile.splitPath(prefix: prefix, number: $0, count: splitCount) }
    }

    /// The input's split count as `--keep-split` sees it (1 without it).
    public static func splitCount(of file: GGUFFile, _ settings: QuantizeSettings) -> Int {
        settings.keepSplit ? (file.tensors.map { file.splitIndex(of: $0) }.max() ?? 0) + 1 : 1
    }

    private static func splitCount(_ plan: [PlannedTensor], _ settings: QuantizeSettings) -> Int {
        settings.keepSplit ? (plan.map(\.split).max() ?? 0) + 1 : 1
    }

    /// The first split carries the metadata; every split of several gets llama-quantize's split keys.
    private static func splitMetadata(_ metadata: GGUFMetadata, split: Int, of count: Int, tensors: Int) -> GGUFMetadata {
        var result = split == 0 ? metadata : GGUFMetadata()
        guard count > 1 else { return result }
        result.set("split.no", .uint16(UInt16(split)))
        result.set("split.count", .uint16(UInt16(count)))
        result.set("split.tensors.count", .int32(Int32(tensors)))
        return result
    }

    private static func write(
        _ plan: [PlannedTensor], descriptors: [GGUFTensorDescriptor], metadata: GGUFMetadata, to path: String,
        file: GGUFFile, converter: TensorConverter
    ) throws {
        var failure: QuantizeError?
        do {
            // Unchanged tensors go straight from the input mapping; each tensor's pages are released after use.
            var previous: GGUFTensorInfo?
            try GGUFStreamingWriter.write(metadata: metadata, tensors: descriptors, to: path, stored: { index in
                if let previous { file.releasePages(of: previous) }
                previous = nil
                guard !plan[index].isConverted, let info = try? file.tensor(named: plan[index].name) else { return nil }
                previous = info
                return file.data(of: info)
            }) { (index, buffer) throws(GGUFError) in
                let tensor = plan[index]
                do throws(QuantizeError) { try converter.convert(tensor, into: buffer) } catch {
                    failure = error
                    throw GGUFError(file: path, field: tensor.name, kind: .io, message: error.description, cause: error)
                }
            }
            if let previous { file.releasePages(of: previous) }
        } catch {
            if let failure { throw failure }
            throw error
        }
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
        var importance = try ImportanceMatrix.read(path: path)
        if !settings.excludeWeights.isEmpty {
            importance.filter { name in !settings.excludeWeights.contains { name.contains($0) } }
        }
        if !settings.includeWeights.isEmpty {
            importance.filter { name in settings.includeWeights.contains { name.contains($0) } }
        }
        return importance.entries.isEmpty ? nil : importance
    }
}
