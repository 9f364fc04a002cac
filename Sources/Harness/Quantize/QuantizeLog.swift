import Foundation
import GGUF
import Quantization

/// The per-tensor and total lines `imx quantize` prints (and `--dry-run` is made of).
enum QuantizeLog {
    static func line(index: Int, of count: Int, _ tensor: PlannedTensor) -> String {
        let width = String(count).count
        let position = "[\(pad(String(index + 1), width))/\(count)]"
        let shape = "[" + tensor.shape.map(String.init).joined(separator: ", ") + "]"
        let before = mebibytes(tensor.sourceType, tensor.shape)
        var text = "\(position) \(tensor.name) \(shape) \(tensor.sourceType.name)"
        if tensor.isConverted {
            text += " → \(tensor.targetType.name), \(before) → \(mebibytes(tensor.targetType, tensor.shape)) MiB"
        } else {
            text += ", \(before) MiB (copied)"
        }
        if let from = tensor.fallbackFrom { text += " (row length \(tensor.shape[0]) does not fit \(from.name): fallback)" }
        if let pattern = tensor.overridePattern { text += " (--tensor-type \(pattern))" }
        return text
    }

    private static func mebibytes(_ type: GGMLType, _ shape: [Int]) -> String {
        let bytes = shape.dropFirst().reduce(1, *) * type.rowByteCount(elements: shape[0])
        return String(format: "%.3f", Double(bytes) / 1_048_576)
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

extension ModelQuantizeRun.Summary {
    /// `model size = … MiB (… BPW)`, `quant size = …` and the fallback count, as llama-quantize ends.
    public var totalLines: [String] {
        func describe(_ bytes: Int) -> String {
            String(format: "%.2f MiB (%.2f BPW)", Double(bytes) / 1_048_576, Double(bytes) * 8 / Double(max(1, elementCount)))
        }
        let fallbacks = plan.filter { $0.fallbackFrom != nil }.count
        var lines = ["model size = \(describe(inputBytes))", "quant size = \(describe(outputBytes))"]
        if fallbacks > 0 { lines.append("\(fallbacks) of \(plan.count) tensor(s) required fallback quantization") }
        return lines
    }
}
