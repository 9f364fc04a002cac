import Foundation
import GGUF
import Reports

/// Renders a ``ModelSummary`` as the text `imx inspect` prints.
public enum ModelSummaryText {
    /// The report: a key–value block, the per-type histogram, and optionally the tensor table.
    public static func render(_ s: ModelSummary) -> String {
        var lines: [(String, String)] = []
        func add(_ label: String, _ value: String?) { if let value { lines.append((label, value)) } }
        func add(_ label: String, _ value: Int?) { add(label, value.map(Formatting.grouped)) }

        add("file", "\(s.path) (\(s.fileCount > 1 ? "\(s.fileCount) split files, " : "")\(Formatting.bytes(s.fileSize)), GGUF v\(s.ggufVersion), \(s.metadataCount) metadata keys, alignment \(s.alignment))")
        add("kind", s.kind)
        add("architecture", s.architecture ?? "(none)")
        add("name", s.name)
        add("size label", s.sizeLabel)
        add("file type", s.fileType.map { id in s.fileTypeName.map { "\(id) (\($0))" } ?? "\(id)" })
        add("blocks", s.blockCount)
        add("context length", s.contextLength)
        add("embedding", s.embeddingLength)
        add("feed-forward", s.feedForwardLength)
        if let heads = s.headCount {
            var text = "\(heads)"
            var details: [String] = []
            if let kv = s.headCountKV { details.append("KV \(kv)") }
            if let key = s.keyLength { details.append("key length \(key)") }
            if let value = s.valueLength { details.append("value length \(value)") }
            if !details.isEmpty { text += " (" + details.joined(separator: ", ") + ")" }
            add("attention heads", text)
        }
        if let experts = s.expertCount, experts > 0 {
            var text = "\(experts), \(s.expertUsedCount.map(String.init) ?? "?") used per token"
            if let ffn = s.expertFeedForwardLength { text += ", expert feed-forward \(ffn)" }
            add("experts", text)
        } else if s.architecture != nil {
            add("experts", "none (dense)")
        }
        if let vocabulary = s.vocabularySize {
            var text = Formatting.grouped(vocabulary)
            if let model = s.tokenizerModel { text += " (tokenizer \(model)" + (s.tokenizerPre.map { ", pre \($0)" } ?? "") + ")" }
            add("vocabulary", text)
        }
        add("tensors", "\(s.tensorCount), \(Formatting.grouped(s.parameterCount)) parameters, \(Formatting.bytes(s.tensorBytes))")

        let width = (lines.map(\.0.count).max() ?? 0) + 1
        var output = lines.map { label, value in
            (label + ":").padding(toLength: width + 1, withPad: " ", startingAt: 0) + value
        }
        .joined(separator: "\n")

        var histogram = TextTable(headers: ["type", "tensors", "parameters", "bytes"])
        for row in s.types {
            histogram.append([row.type, "\(row.tensors)", Formatting.grouped(row.parameters), Formatting.grouped(row.bytes)])
        }
        output += "\n\n" + histogram.render()

        if let tensors = s.tensors {
            var table = TextTable(headers: ["name", "type", "shape", "bytes"],
                                  alignments: [.left, .left, .left, .right])
            for tensor in tensors {
                let shape = "[" + tensor.shape.map(String.init).joined(separator: ", ") + "]"
                table.append([tensor.name, tensor.type, shape, Formatting.grouped(tensor.bytes)])
            }
            output += "\n\n" + table.render()
        }
        return output
    }
}
