import ArgumentParser
import Foundation
import GGUF
import Harness
import Kernels
import Reports

/// `imx synthesize SHAPE -o OUT.gguf`: a model with a real architecture's shapes and random
/// weights, Q4_K_M-like, for benchmarks at sizes no download is needed for.
struct SynthesizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthesize",
        abstract: "Write a synthetic model: a real architecture's shapes and metadata, random weights, a Q4_K_M-like mix, a real tokenizer.",
        discussion: """
            Shapes: \(SyntheticModelShape.known.map(\.name).joined(separator: ", ")). The weights are \
            seeded uniform random values (σ 0.02; norms 1) quantized by imx's ggml-exact quantizers: \
            Q4_K, with Q6_K for output and for attn_v/ffn_down in llama-quantize's use_more_bits \
            blocks; norms, biases and routers F32. The tokenizer (every tokenizer.* key) is copied \
            from --vocab, by default the fixtures' ggml-vocab-llama-bpe.gguf (Llama 3) or \
            ggml-vocab-qwen2.gguf found through $IMX_FIXTURES or ../shared/fixtures. The file is \
            streamed to disk (temporary file, then rename), so it may be larger than memory.
            """
    )

    @Argument(help: "The shape (see the discussion).")
    var shape: String

    @Option(name: .shortAndLong, help: "The GGUF file to write.")
    var output: String

    @Option(help: "A GGUF file whose tokenizer.* keys to copy (a vocab-only file or any model).")
    var vocab: String?

    @Option(help: "Override the shape's block count (fewer blocks: a smaller model of the same widths).")
    var blocks: Int?

    @Option(help: "Seed of the random weights.")
    var seed: UInt64 = 1

    @OptionGroup var threadOptions: ThreadOptions

    func validate() throws {
        guard SyntheticModelShape.named(shape) != nil else {
            throw ValidationError("unknown shape '\(shape)' (known: \(SyntheticModelShape.known.map(\.name).joined(separator: ", ")))")
        }
        if let blocks, !(1...1024).contains(blocks) { throw ValidationError("--blocks must be from 1 to 1024, got \(blocks)") }
    }

    func run() throws {
        try OutputCheck.prepare(outputs: [output], inputs: vocab.map { [$0] } ?? [])
        var chosen = SyntheticModelShape.named(shape)!
        if let blocks { chosen.blocks = blocks }
        let vocabularyPath = try vocab ?? defaultVocabulary(chosen.vocabulary)
        if FileManager.default.fileExists(atPath: output),
           let target = try? FileManager.default.attributesOfItem(atPath: output),
           let source = try? FileManager.default.attributesOfItem(atPath: vocabularyPath),
           target[.systemFileNumber] as? Int == source[.systemFileNumber] as? Int,
           target[.systemNumber] as? Int == source[.systemNumber] as? Int {
            throw CommandError("\(output): output: is the vocabulary file \(vocabularyPath); choose another output")
        }
        let vocabulary = try GGUFFile(path: vocabularyPath)
        let log: (String) -> Void = { Console.note($0) }
        let summary = try SyntheticModelWriter.write(shape: chosen, vocabulary: vocabulary, to: output, seed: seed,
                                                     threads: threadOptions.threads, log: log)
        print(String(format: "synthesized %@: %.3fB parameters, %d tensors, %@ in %.1f s → %@",
                     chosen.name, Double(summary.parameters) / 1e9, summary.tensors, Formatting.bytes(summary.bytes),
                     summary.seconds, output))
    }

    /// The fixtures' vocabulary file for `name` (`llama-bpe`, `qwen2`).
    func defaultVocabulary(_ name: String) throws -> String {
        var folders: [String] = []
        if let fixtures = ProcessInfo.processInfo.environment["IMX_FIXTURES"] { folders.append(fixtures) }
        folders.append("../shared/fixtures")
        for folder in folders {
            let path = "\(folder)/vocab/ggml-vocab-\(name).gguf"
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        throw CommandError("--vocab: no ggml-vocab-\(name).gguf in $IMX_FIXTURES/vocab or ../shared/fixtures/vocab; pass --vocab FILE (any GGUF with a tokenizer)")
    }
}
