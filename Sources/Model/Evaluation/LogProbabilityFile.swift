import Foundation
import GGUF
import Kernels

/// A KL-divergence base file in llama-perplexity's format (`--kl-divergence-base`): the
/// reference model's token distributions for every scored prediction of a text, so that other
/// models can be compared with it without the reference model at hand.
///
/// Layout (little-endian): `"_logits_"`, `UInt32` context, `Int32` vocabulary, `Int32` chunks,
/// `Int32` tokens × (chunks · context), then per chunk `context − 1 − context/2` rows of
/// ``LogProbabilityRow/slots(vocabulary:)`` `UInt16`. The file is mapped, not read.
public final class LogProbabilityFile: @unchecked Sendable {
    // @unchecked: immutable after init; the mapping is read-only.

    public static let magic = Array("_logits_".utf8)
    public let path: String
    public let contextLength: Int
    public let vocabularySize: Int
    public let chunkCount: Int
    private let mapping: MappedFile
    private let tokenOffset = 20

    /// Maps and checks the file at `path`.
    /// - Throws: ``EvaluationError`` naming the file and the field that is wrong (magic,
    ///   sizes, truncation).
    public init(path: String) throws(EvaluationError) {
        self.path = path
        do { mapping = try MappedFile(path: path) } catch {
            throw EvaluationError(source: path, field: "file", message: error.message, cause: error)
        }
        let bytes = mapping.bytes
        guard bytes.count >= 20, Array(bytes[0..<8]) == Self.magic else {
            throw EvaluationError(source: path, field: "magic", message: "not a log-probability file (llama-perplexity --kl-divergence-base format)")
        }
        contextLength = Int(bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        vocabularySize = Int(bytes.loadUnaligned(fromByteOffset: 12, as: Int32.self))
        chunkCount = Int(bytes.loadUnaligned(fromByteOffset: 16, as: Int32.self))
        guard contextLength >= 4, vocabularySize > 0, chunkCount > 0 else {
            throw EvaluationError(source: path, field: "header",
                                  message: "context \(contextLength), vocabulary \(vocabularySize), chunks \(chunkCount) are not valid")
        }
        let expected = Self.byteCount(contextLength: contextLength, vocabulary: vocabularySize, chunks: chunkCount)
        guard bytes.count == expected else {
            throw EvaluationError(source: path, field: "size", message: "\(bytes.count) bytes, the header implies \(expected) (truncated or not this format)")
        }
    }

    /// Predictions stored per chunk.
    public var rowsPerChunk: Int { contextLength - 1 - contextLength / 2 }

    /// The text's tokens (chunks × context, the first token of each chunk not yet BOS).
    public var tokens: [Int32] {
        let count = chunkCount * contextLength
        return (0..<count).map { mapping.bytes.loadUnaligned(fromByteOffset: tokenOffset + 4 * $0, as: Int32.self) }
    }

    /// Stored row `row` of chunk `chunk`.
    public func row(chunk: Int, row: Int) -> UnsafePointer<UInt16> {
        let slots = LogProbabilityRow.slots(vocabulary: vocabularySize)
        let offset = tokenOffset + 4 * chunkCount * contextLength + 2 * slots * (chunk * rowsPerChunk + row)
        return (mapping.bytes.baseAddress! + offset).assumingMemoryBound(to: UInt16.self)
    }

    /// The file size for these dimensions.
    public static func byteCount(contextLength: Int, vocabulary: Int, chunks: Int) -> Int {
        20 + 4 * chunks * contextLength + 2 * LogProbabilityRow.slots(vocabulary: vocabulary) * chunks * (contextLength - 1 - contextLength / 2)
    }

    /// The header and tokens of a file for `plan`'s chunks.
    static func header(plan: PerplexityPlan, vocabulary: Int) -> [UInt8] {
        var bytes = magic
        func append<T>(_ value: T) { withUnsafeBytes(of: value) { bytes += $0 } }
        append(UInt32(plan.contextLength).littleEndian)
        append(Int32(vocabulary).littleEndian)
        append(Int32(plan.chunkCount).littleEndian)
        for token in plan.tokens.prefix(plan.chunkCount * plan.contextLength) { append(token.littleEndian) }
        return bytes
    }
}
