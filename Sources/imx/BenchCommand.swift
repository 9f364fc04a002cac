import ArgumentParser
import Foundation
import GGUF
import Harness
import Kernels
import Reports
import Tokenizers

/// `imx bench dequant|quant|tokenize|blas|machine`: dequantization and quantization throughput per type,
/// tokenization speed.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks: throughput and peak memory.",
        subcommands: [DequantBench.self, QuantBench.self, TokenizeBench.self, BLASBench.self, MachineBench.self]
    )
}

/// Dequantization throughput in GB/s of float32 output, per type.
struct DequantBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dequant",
        abstract: "Dequantization throughput (GB/s of f32 output) per tensor type."
    )

    @Option(name: [.short, .long], help: "Also measure every tensor of this GGUF model, grouped by type.")
    var model: String?

    /// A bad name is a usage error (exit code 64), as before the option was typed.
    @Option(help: "Comma-separated types for the synthetic run (default: every supported type).",
            transform: { text throws in
                do throws(CommandError) { return try TypeList.parse(text, option: "--types", use: .dequantize) } catch {
                    throw ValidationError(error.description)
                }
            })
    var types: [GGMLType]?

    @Option(help: "Elements per type in the synthetic run.")
    var elements: Int = 16 * 1024 * 1024

    @Option(help: "Timed repetitions (the best is reported).")
    var repetitions: Int = 5

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var threadOptions: ThreadOptions

    func validate() throws {
        guard elements > 0 else { throw ValidationError("--elements must be positive") }
        guard repetitions > 0 else { throw ValidationError("--repetitions must be positive") }
    }

    func run() throws {
        let threads = threadOptions.threads
        var results = DequantizationBenchmark.synthetic(
            types: types ?? Dequantizer.supportedTypes, elements: elements, threads: threads, repetitions: repetitions)
        if let model {
            results += try DequantizationBenchmark.model(GGUFFile(path: model), threads: threads, repetitions: repetitions)
        }
        let peak = ProcessMemory.peakResidentBytes()
        if json {
            struct Report: Encodable {
                var results: [DequantizationBenchmark.Result]
                var peakResidentBytes: Int?
                var blas: String
            }
            try JSONOutput.print(Report(results: results, peakResidentBytes: peak, blas: BLAS.configuration))
            return
        }
        var table = TextTable(headers: ["type", "source", "elements", "threads", "ms", "GB/s out", "Melem/s"])
        for r in results {
            table.append([r.type, r.source, Formatting.grouped(r.elements), "\(r.threads)",
                          Formatting.fixed(r.seconds * 1000, 2), Formatting.fixed(r.gigabytesPerSecond, 2),
                          Formatting.fixed(r.megaElementsPerSecond, 0)])
        }
        print(table.render())
        print("\npeak memory: \(peak.map(Formatting.bytes) ?? "unknown")")
    }
}

/// Tokenization speed: MB/s and tokens/s on a text repeated to a target size.
struct TokenizeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Tokenization speed (MB/s, tokens/s) of a GGUF model's tokenizer, and peak memory."
    )

    @Option(name: [.short, .long], help: "The GGUF model or vocab-only file.")
    var model: String

    @Option(name: [.customShort("f"), .customLong("file")], help: "The text, repeated up to --bytes.")
    var file: String

    @Option(help: "Bytes of text to tokenize in one call.")
    var bytes: Int = 1 << 20

    @Option(help: "Timed repetitions (the best is reported).")
    var repetitions: Int = 3

    @Flag(help: "Split with llama.cpp's default rules when tokenizer.ggml.pre is unknown.")
    var allowDefaultPretokenizer = false

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        guard bytes > 0 else { throw ValidationError("--bytes must be positive") }
        guard repetitions > 0 else { throw ValidationError("--repetitions must be positive") }
    }

    func run() throws {
        let text = try TextInput.read(path: file)
        let result = try TokenizationBenchmark.run(modelPath: model, text: text.bytes, bytes: bytes, repetitions: repetitions,
                                                   allowDefaultPreTokenizer: allowDefaultPretokenizer)
        let peak = ProcessMemory.peakResidentBytes()
        if json {
            struct Report: Encodable { var result: TokenizationBenchmark.Result; var peakResidentBytes: Int? }
            try JSONOutput.print(Report(result: result, peakResidentBytes: peak))
            return
        }
        var table = TextTable(headers: ["tokenizer", "vocab", "load s", "bytes", "tokens", "ms", "MB/s", "tokens/s"])
        table.append([result.tokenizer, Formatting.grouped(result.vocabularySize), Formatting.fixed(result.loadSeconds, 3),
                      Formatting.grouped(result.bytes), Formatting.grouped(result.tokens), Formatting.fixed(result.seconds * 1000, 1),
                      Formatting.fixed(result.megabytesPerSecond, 2), Formatting.grouped(Int(result.tokensPerSecond))])
        print(table.render())
        print("\npeak memory: \(peak.map(Formatting.bytes) ?? "unknown")")
    }
}
