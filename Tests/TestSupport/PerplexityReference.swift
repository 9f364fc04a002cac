import Foundation

/// llama-perplexity's reference numbers for one model and text: the evaluated chunks (tokens
/// as the tool fed them, BOS substituted when the model adds one) and the cumulative
/// perplexity it printed after each chunk (`[1]…,[2]…`).
///
/// llama-perplexity scores the second half of every chunk: the logits at positions
/// n_ctx/2 … n_ctx−2 predict the next token, and the printed value after chunk k is
/// exp(mean negative log-likelihood over chunks 1…k).
public struct PerplexityReference: Sendable {
    /// The chunks in evaluation order, each `contextLength` tokens.
    public let chunks: [[Int32]]
    /// The printed cumulative perplexity after each chunk (may be more entries than `chunks`).
    public let cumulativePerplexity: [Double]
    public let contextLength: Int

    /// The scored positions of a chunk: the logits at these positions predict the next token.
    public var scoredPositions: Range<Int> { (contextLength / 2)..<(contextLength - 1) }

    /// A fixture model's reference: `folder/name.gpl-apache.tokens512.json` and
    /// `folder/name.gpl-apache.c128x4.perplexity.log` (e.g. `dense`, `tiny-llama`).
    public static func tinyModel(folder: String, name: String) throws -> PerplexityReference {
        let tokensPath = try TestEnvironment.fixture("\(folder)/\(name).gpl-apache.tokens512.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tokensPath)))
        guard let object = json as? [String: Any], let ids = object["tokens"] as? [NSNumber],
              let context = object["n_ctx"] as? Int, let count = object["n_chunk"] as? Int,
              let addBOS = object["add_bos"] as? Bool, let bos = object["bos_token_id"] as? Int else {
            throw AssetError("\(tokensPath): expected tokens, n_ctx, n_chunk, add_bos, bos_token_id")
        }
        let tokens = ids.map { $0.int32Value }
        let chunks = (0..<count).map { k in
            var chunk = Array(tokens[(k * context)..<((k + 1) * context)])
            if addBOS { chunk[0] = Int32(bos) }
            return chunk
        }
        let log = try TestEnvironment.fixture("\(folder)/\(name).gpl-apache.c128x4.perplexity.log")
        return PerplexityReference(chunks: chunks, cumulativePerplexity: try printedPerplexities(log), contextLength: context)
    }

    /// gemma-3-270m on the reference text with `-c 512`, the first `chunkCount` chunks of
    /// `reference/gemma3-270m/gpl3-apache2.tokens.json` (BOS 2 at the start of each), against
    /// the values of `logName` (e.g. `llama-perplexity.f32kv.log`).
    public static func gemma(chunkCount: Int, logName: String) throws -> PerplexityReference {
        let tokens = try ReferenceTokens.gemmaReferenceText()
        let context = 512
        let chunks = (0..<chunkCount).map { k in
            var chunk = Array(tokens[(k * context)..<((k + 1) * context)])
            chunk[0] = 2
            return chunk
        }
        let log = try TestEnvironment.fixture("reference/gemma3-270m/\(logName)")
        return PerplexityReference(chunks: chunks, cumulativePerplexity: try printedPerplexities(log), contextLength: context)
    }

    /// The `[k]value` entries of a llama-perplexity / llama-imatrix log, in order.
    public static func printedPerplexities(_ path: String) throws -> [Double] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("[1]") }) else {
            throw AssetError("\(path): no line starting with [1]")
        }
        return try line.split(separator: ",").filter { !$0.isEmpty }.map { entry in
            guard let close = entry.firstIndex(of: "]"), let value = Double(entry[entry.index(after: close)...]) else {
                throw AssetError("\(path): cannot read perplexity entry '\(entry)'")
            }
            return value
        }
    }

    /// Cumulative perplexities from per-chunk lists of negative log-likelihoods (natural log),
    /// computed as llama-perplexity does.
    public static func cumulative(_ chunkNLLs: [[Double]]) -> [Double] {
        var total = 0.0, count = 0
        return chunkNLLs.map { nlls in
            total += nlls.reduce(0, +)
            count += nlls.count
            return exp(total / Double(count))
        }
    }
}
