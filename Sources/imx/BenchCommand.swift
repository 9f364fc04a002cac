import ArgumentParser
import Foundation
import GGUF
import Harness
import Kernels

/// `imx bench dequant|quant`: dequantization and quantization throughput per type.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks: throughput and peak memory.",
        subcommands: [DequantBench.self, QuantBench.self]
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

    @Option(help: "Comma-separated types for the synthetic run (default: every supported type).")
    var types: String?

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
        _ = try selectedTypes()
    }

    func selectedTypes() throws -> [GGMLType] {
        guard let types else { return Dequantizer.supportedTypes }
        return try types.split(separator: ",").map { name in
            guard let type = GGMLType(name: String(name)) else {
                throw ValidationError("unknown type '\(name)' in --types")
            }
            guard Dequantizer.supports(type) else {
                throw ValidationError("type \(type.name) in --types cannot be dequantized yet")
            }
            return type
        }
    }

    func run() throws {
        let threads = threadOptions.threads
        var results = DequantizationBenchmark.synthetic(
            types: try selectedTypes(), elements: elements, threads: threads, repetitions: repetitions)
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
