import ArgumentParser
import Foundation
import Harness
import IMatrix
import Kernels

/// `imx stats IMATRIX [--json] [--svg DIR] [--tensors REGEX]`: llama-imatrix's
/// `--show-statistics` table, as JSON, and as SVG charts.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Per-tensor and per-layer statistics of an imatrix, as llama-imatrix --show-statistics prints them.",
        discussion: """
            Reads a GGUF imatrix or a legacy imatrix.dat (loaded as llama-imatrix --in-file loads it, \
            with the file's chunk size or 512) and prints llama.cpp's table: Σ(Act²), min, max, μ, σ, \
            % active, N, entropy, normalized entropy, ZD and CosSim per tensor, then the weighted \
            per-layer table. Zero-count experts are left out, as llama.cpp does.
            """
    )

    @Argument(help: "The imatrix (GGUF or legacy .dat).")
    var imatrix: String

    @Flag(help: "Print JSON (snake_case) instead of the table.")
    var json = false

    @Option(help: "Write layer-sums.svg and importance-curves.svg into this directory.")
    var svg: String?

    @Option(help: "Tensors (regex, matched anywhere in the name) for importance-curves.svg (default: blk.0's tensors and the middle block's ffn_down).")
    var tensors: String?

    func validate() throws {
        if let tensors {
            do { _ = try Regex(tensors) } catch { throw CommandError("--tensors: '\(tensors)' is not a regular expression: \(error)") }
        }
    }

    func run() throws {
        let file = try ImportanceMatrix.read(path: imatrix)
        var collection = ImatrixCollection()
        try collection.add(file, chunkSize: file.chunkSize ?? 512)
        let statistics = ImatrixStatistics(collection: collection)
        guard !statistics.tensors.isEmpty else {
            throw ImatrixError(file: imatrix, field: "entries", message: "no entry has any token counted: no statistics to compute")
        }
        for name in statistics.skipped {
            Console.note("note: \(name): all counts are zero, no statistics (as llama-imatrix)")
        }
        if let svg {
            let pattern = try Regex(tensors ?? StatisticsCharts.defaultTensorPattern(for: collection))
            let paths = try StatisticsCharts.write(statistics, collection, tensors: pattern, to: svg)
            Console.write("wrote \(paths.joined(separator: ", "))\n")
        }
        if json {
            try JSONOutput.print(statistics)
        } else {
            print(statistics.text(source: imatrix), terminator: "")
        }
    }
}
