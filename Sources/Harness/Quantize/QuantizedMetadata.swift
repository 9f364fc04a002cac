import GGUF
import IMatrix
import Quantization
import Weighting

/// The metadata llama-quantize writes: the input's keys in order; `general.quantization_version`
/// and `general.file_type` moved to the end; the split keys removed; each `--override-kv` and
/// the `quantize.imatrix.*` keys appended in that order (setting a key removes it first, as
/// `gguf_set_val_*` does). imx adds `quantize.imx.formula` (and `…formula_rules`) only when a
/// formula other than `llama` was used, so a `llama` quantization is llama-quantize's file.
public enum QuantizedMetadata {
    /// What the imatrix contributes.
    public struct Importance {
        public var path: String
        public var dataset: String?
        public var entryCount: Int
        public var chunkCount: Int?

        /// What `importance`, read from `path`, contributes.
        public init(_ importance: ImportanceMatrix, path: String) {
            self.path = path
            dataset = importance.datasets.first
            entryCount = importance.entries.count
            chunkCount = importance.chunkCount
        }
    }

    public static func compose(
        input: GGUFMetadata, fileTypeID: Int?, overrides: [MetadataOverride], importance: Importance?, formulas: FormulaRules
    ) -> GGUFMetadata {
        var metadata = input
        func put(_ key: String, _ value: GGUFValue) {
            metadata.remove(key)
            metadata.set(key, value)
        }
        put("general.quantization_version", .uint32(2))
        if let fileTypeID { put("general.file_type", .uint32(UInt32(fileTypeID))) }
        for key in ["split.no", "split.count", "split.tensors.count"] { metadata.remove(key) }
        for override in overrides {
            switch override.value {
            case .int(let value): put(override.key, .uint32(UInt32(truncatingIfNeeded: value.magnitude)))
            case .float(let value): put(override.key, .float32(Float(value)))
            case .bool(let value): put(override.key, .bool(value))
            case .string(let value): put(override.key, .string(value))
            }
        }
        if let importance {
            put("quantize.imatrix.file", .string(truncated(importance.path)))
            if let dataset = importance.dataset { put("quantize.imatrix.dataset", .string(truncated(dataset))) }
            put("quantize.imatrix.entries_count", .uint32(UInt32(importance.entryCount)))
            if let chunks = importance.chunkCount, chunks > 0 { put("quantize.imatrix.chunks_count", .uint32(UInt32(chunks))) }
        }
        if !formulas.isLlamaOnly {
            put("quantize.imx.formula", .string(formulas.defaultFormula.description))
            if !formulas.rules.isEmpty { put("quantize.imx.formula_rules", .array(.string(formulas.ruleDescriptions))) }
        }
        return metadata
    }

    /// llama-quantize keeps 127 bytes of an override string.
    private static func truncated(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count > 127 else { return text }
        return String(decoding: bytes[..<127], as: UTF8.self)
    }
}
