import Dispatch
import GGUF
import Tokenizers

/// Measures tokenization speed: a text repeated to a target size is tokenized as one input
/// (special tokens not parsed, BOS added as the vocabulary says), best of several runs.
public enum TokenizationBenchmark {
    /// One measurement.
    public struct Result: Codable, Sendable {
        public var model: String
        public var tokenizer: String
        public var vocabularySize: Int
        /// Seconds to read the vocabulary and build its tables.
        public var loadSeconds: Double
        public var bytes: Int
        public var tokens: Int
        /// Best time of one tokenization of all bytes, in seconds.
        public var seconds: Double
        public var megabytesPerSecond: Double
        public var tokensPerSecond: Double
    }

    /// Tokenizes `text` repeated (whole copies, newline separated) up to at least `bytes` bytes.
    public static func run(modelPath: String, text: [UInt8], bytes: Int, repetitions: Int,
                           allowDefaultPreTokenizer: Bool = false) throws(GGUFError) -> Result {
        let loadStart = DispatchTime.now().uptimeNanoseconds
        let vocabulary = try Vocabulary(path: modelPath, allowDefaultPreTokenizer: allowDefaultPreTokenizer)
        let loadSeconds = Double(DispatchTime.now().uptimeNanoseconds - loadStart) / 1e9
        var input: [UInt8] = []
        input.reserveCapacity(bytes + text.count + 1)
        while input.count < bytes && !text.isEmpty {
            input.append(contentsOf: text)
            input.append(0x0A)
        }
        var tokenizer = Tokenizer(vocabulary: vocabulary)
        var count = 0
        let seconds = BenchmarkTiming.best(of: repetitions) {
            count = tokenizer.encode(input, addSpecial: true).count
        }
        return Result(model: modelPath, tokenizer: vocabulary.model.rawValue + (vocabulary.model == .bytePair ? "/\(vocabulary.preTokenizer.rawValue)" : ""),
                      vocabularySize: vocabulary.count, loadSeconds: loadSeconds, bytes: input.count, tokens: count,
                      seconds: seconds, megabytesPerSecond: Double(input.count) / seconds / 1e6,
                      tokensPerSecond: Double(count) / seconds)
    }
}
