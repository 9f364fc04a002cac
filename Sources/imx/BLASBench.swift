import ArgumentParser
import Foundation
import GGUF
import Harness
import Kernels
import Reports

/// `imx bench blas [-m MODEL]`: sgemm GFLOP/s for the forward pass's product shapes.
struct BLASBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blas",
        abstract: "sgemm GFLOP/s for the forward pass's product shapes, the BLAS core, threads and the fraction of the CPU's fp32 peak.",
        discussion: """
            Each shape is batch tokens × a weight matrix's input × output width (with -m, those of \
            the model's matrices; the output matrix as the 1,024-row vocabulary blocks the forward \
            pass streams; expert stacks with the tokens an expert gets on average). "split" is \
            how the forward pass runs it (columns split over -t threads, OpenBLAS single-threaded \
            inside); "openblas" uses OpenBLAS's own threads.
            """
    )

    @Option(name: [.short, .long], help: "Take the shapes from this GGUF model's weight matrices.")
    var model: String?

    @Option(help: "Comma-separated batch sizes in tokens.")
    var batch: String = "512,2048"

    @Option(help: "Timed repetitions per shape (the best is reported).")
    var repetitions: Int = 3

    @Flag(help: "Print JSON instead of tables.")
    var json = false

    @OptionGroup var threadOptions: ThreadOptions

    func batches() throws -> [Int] {
        let values = batch.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 65_536 }) else {
            throw ValidationError("--batch: '\(batch)' is not a comma-separated list of sizes from 1 to 65536")
        }
        return values.compactMap { $0 }
    }

    func validate() throws {
        guard repetitions > 0 else { throw ValidationError("--repetitions must be positive") }
        _ = try batches()
    }

    func run() throws {
        let threads = threadOptions.threads
        let file = try model.map { try GGUFFile(path: $0) }
        let machine = MachineDescription(threads: threads)
        struct Section: Encodable { var tokens: Int; var results: [BLASBenchmark.Result]; var gigaflops: Double; var weightTokensPerSecond: Double }
        var sections: [Section] = []
        for tokens in try batches() {
            let shapes = file.map { BLASBenchmark.shapes(of: $0, tokens: tokens) } ?? BLASBenchmark.standardShapes(tokens: tokens)
            let results = BLASBenchmark.run(shapes, threads: threads, repetitions: repetitions)
            let flop = results.reduce(0) { $0 + $1.shape.flop * Double($1.shape.count) }
            let seconds = results.reduce(0) { $0 + $1.seconds * Double($1.shape.count) }
            sections.append(Section(tokens: tokens, results: results, gigaflops: flop / seconds / 1e9,
                                    weightTokensPerSecond: Double(tokens) / seconds))
        }
        let peak = ProcessMemory.peakResidentBytes()
        if json {
            struct Report: Encodable { var machine: MachineDescription; var model: String?; var batches: [Section]; var peakResidentBytes: Int? }
            try JSONOutput.print(Report(machine: machine, model: model, batches: sections, peakResidentBytes: peak))
            return
        }
        for line in machine.lines { print(line) }
        let peakGigaflops = machine.peakGigaflops
        for section in sections {
            print("\nbatch \(section.tokens) tokens" + (model.map { " — \($0)" } ?? ""))
            var table = TextTable(headers: ["product", "type", "count", "M", "N", "K", "ms split", "GFLOP/s split", "% peak",
                                            "GFLOP/s openblas", "ms int8", "GOP/s int8"])
            for r in section.results {
                table.append([r.shape.name, r.shape.weightType ?? "f32", "\(r.shape.count)", "\(r.shape.m)", "\(r.shape.n)", "\(r.shape.k)",
                              Formatting.fixed(r.seconds * 1000, 2), Formatting.fixed(r.gigaflops, 1),
                              Formatting.fixed(100 * r.gigaflops / peakGigaflops, 0) + "%",
                              Formatting.fixed(r.openBLASGigaflops, 1),
                              r.quantizedSeconds.map { Formatting.fixed($0 * 1000, 2) } ?? "-",
                              r.quantizedGigaops.map { Formatting.fixed($0, 1) } ?? "-"])
            }
            print(table.render())
            var summary = String(format: "all products: %.1f GFLOP/s", section.gigaflops)
            summary += String(format: " (%.0f%% of peak)", 100 * section.gigaflops / peakGigaflops)
            if file != nil { summary += String(format: "; the weight products alone allow %.0f tokens/s", section.weightTokensPerSecond) }
            print(summary)
        }
        print("\npeak memory: \(peak.map(Formatting.bytes) ?? "unknown")")
    }
}

/// `imx bench machine`: the machine block every benchmark prints (CPU, BLAS core, threads, peak).
struct MachineBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "machine",
        abstract: "The CPU model and vector extensions, the BLAS library, version and core, threads and the fp32 peak."
    )

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @OptionGroup var threadOptions: ThreadOptions

    func run() throws {
        let machine = MachineDescription(threads: threadOptions.threads)
        if json { try JSONOutput.print(machine) } else { for line in machine.lines { print(line) } }
    }
}
