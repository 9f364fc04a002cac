import ArgumentParser
import GGUF
import Harness
import Kernels
import Quantization
import Reports

/// `imx bench quant [--types …] [--rows N] [--n-per-row N]`: quantization rows/s per type,
/// without and with importance.
struct QuantBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quant",
        abstract: "Quantization throughput (rows/s) per type, without and with importance."
    )

    @Option(help: "Comma-separated types (default: every quantizable type).", transform: TypeList.reader("--types", use: .quantize))
    var types: [GGMLType]?

    @Option(help: "Rows per pass.")
    var rows: Int = 512

    @Option(help: "Elements per row (a multiple of 256).")
    var nPerRow: Int = 4096

    @Option(help: "Timed repetitions (the best is reported).")
    var repetitions: Int = 3

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var threadOptions: ThreadOptions

    func validate() throws {
        guard rows > 0 else { throw ValidationError("--rows must be positive") }
        guard nPerRow > 0, nPerRow % 256 == 0 else { throw ValidationError("--n-per-row must be a positive multiple of 256") }
        guard repetitions > 0 else { throw ValidationError("--repetitions must be positive") }
    }

    func run() throws {
        let selected = types ?? RowQuantizer.supportedTypes
        let results = QuantizationBenchmark.run(types: selected, rows: rows, rowLength: nPerRow,
                                                threads: threadOptions.threads, repetitions: repetitions)
        let peak = ProcessMemory.peakResidentBytes()
        if json {
            struct Report: Encodable {
                var results: [QuantizationBenchmark.Result]
                var peakResidentBytes: Int?
            }
            try JSONOutput.print(Report(results: results, peakResidentBytes: peak))
            return
        }
        var table = TextTable(headers: ["type", "importance", "rows", "n_per_row", "threads", "ms", "rows/s", "Melem/s", "ggml rows/s"])
        for r in results {
            table.append([r.type, r.importance ? "yes" : "no", Formatting.grouped(r.rows), Formatting.grouped(r.rowLength),
                          "\(r.threads)", Formatting.fixed(r.seconds * 1000, 1), Formatting.grouped(Int(r.rowsPerSecond)),
                          Formatting.fixed(r.megaElementsPerSecond, 1), r.ggmlRowsPerSecond.map { Formatting.grouped(Int($0)) } ?? "n/a"])
        }
        print(table.render())
        print("\nggml: no reference throughput is bundled (shared/fixtures/quant has none); compare with llama-quantize on this machine.")
        print("peak memory: \(peak.map(Formatting.bytes) ?? "unknown")")
    }
}
