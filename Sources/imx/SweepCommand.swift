import ArgumentParser
import Foundation
import Harness
import GGUF
import Kernels

/// `imx sweep CONFIG.json`: weighting formulas × quant types, scored per tensor and end to end.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a JSON-configured sweep of weighting formulas × quant types, scored by weighted RMSE, KLD and PPL.",
        discussion: """
            Computes (or reuses) the imatrix from the calibration text, records the model's own \
            token distributions on the evaluation and calibration texts once (cache/*.kld, \
            llama-perplexity's --kl-divergence-base format), then for every grid point quantizes \
            the recipe's tensors with the formula (quantize → dequantize in memory), measures \
            their weighted RMSE, and the quantized model's KLD, top-1 agreement and perplexity. \
            Each finished point is appended to results.jsonl; the report (report.md, \
            summary.csv, plots/*.svg) is rebuilt at the end. The output folder is -o DIR, else \
            the config's "output", else runs/NAME under the current directory. Run again when \
            complete, it prints the report and says it is up to date. See configs/schema.json.
            """
    )

    @Argument(help: "The sweep config (JSON).")
    var config: String

    @Option(name: .shortAndLong, help: "The output folder (default: the config's \"output\", else runs/NAME under the current directory); with --emit, the model file to write.")
    var output: String?

    @Option(help: "Write the quantized model of this grid point (TYPE/FORMULA as --dry-run lists it) to -o OUT.gguf: its recipe applied to the whole model, the sweep's imatrix, every other tensor as stored.")
    var emit: String?

    @Flag(help: "Continue a sweep: skip grid points already in results.jsonl.")
    var resume = false

    @Flag(help: "Start over: move the output's earlier results and report to OUTPUT/replaced/STAMP/ (nothing is deleted) and run every point.")
    var restart = false

    @Option(help: "Run only this grid point (TYPE/FORMULA as --dry-run lists it); repeatable.")
    var only: [String] = []

    @Flag(help: "List the grid, what is done, and an estimated time; run nothing.")
    var dryRun = false

    @Option(help: "i/n: run every n-th grid point starting at i (0-based), writing results.shard-i-of-n.jsonl; join with imx sweep-merge.",
            transform: SweepShard.reader("--shard"))
    var shard: SweepShard?

    @Option(help: "Compare two grid points A,B (as --dry-run lists them) token by token from the output's per-token scores: A − B in KLD and NLL with 95% intervals; runs nothing.")
    var compare: String?

    func validate() throws {
        if let compare {
            guard SweepComparison.pieces(compare).count >= 2 else { throw CommandError("--compare: '\(compare)' is not two grid points A,B") }
            guard emit == nil && !resume && !restart && !dryRun && shard == nil && only.isEmpty else {
                throw CommandError("--compare reads finished results and runs nothing: it takes no --emit, --resume, --restart, --dry-run, --shard or --only")
            }
        }
        if emit != nil {
            guard let output, output.hasSuffix(".gguf") else { throw ValidationError("--emit writes a model: give -o OUT.gguf") }
            guard !resume && !restart && !dryRun && shard == nil && only.isEmpty else {
                throw ValidationError("--emit writes one model and runs no sweep: it takes no --resume, --restart, --dry-run, --shard or --only")
            }
        }
        guard !(resume && restart) else { throw ValidationError("--resume continues the results that --restart moves aside: give one of them") }
    }

    func run() throws {
        if let emit, let output { return try emitModel(emit, to: output) }
        if let compare {
            let plan = try SweepPlan.make(configPath: config, output: output)
            let (first, second) = SweepComparison.variants(compare, plan: plan)
            let rows = try SweepComparison.compare(plan: plan, first: first, second: second)
            return print(SweepComparison.render(rows, first: first, second: second))
        }
        var options = SweepRun.Options()
        options.resume = resume
        options.restart = restart
        options.only = only
        options.dryRun = dryRun
        if let shard { options.shard = (shard.index, shard.count) }
        let plan = try SweepPlan.make(configPath: config, output: output)
        let sweep = SweepRun(plan: plan, options: options)
        let log: (String) -> Void = { Console.note($0) }
        let summary = try sweep.run(log: dryRun ? { print($0) } : log)
        guard !dryRun, let reportPath = summary.reportPath else { return }
        if let report = FileManager.default.contents(atPath: reportPath) {
            print(String(decoding: report, as: UTF8.self))
        }
        if summary.upToDate {
            let points = summary.pointsSkipped == 1 ? "the 1 selected point is" : "all \(summary.pointsSkipped) selected points are"
            print("sweep: up to date: \(points) in \(plan.output) (fingerprint \(plan.fingerprint)); "
                  + "nothing computed. --restart starts over, keeping these results in \(plan.output)/replaced/.")
            print("report: \(reportPath)")
            return
        }
        let peak = ProcessMemory.peakResidentBytes().map { String(format: ", peak memory %.0f MiB", Double($0) / 1_048_576) } ?? ""
        print(String(format: "sweep: %d points run, %d already done, %.1f s wall", summary.pointsRun, summary.pointsSkipped, summary.seconds) + peak)
        if summary.pointsRun > 0 {
            print(String(format: "per point: %.1f s (quantization + evaluation)", summary.secondsPerPoint)
                + (summary.evaluationTokens > 0
                    ? String(format: "; evaluation %.1f µs per point per evaluation token (%d tokens)",
                             summary.secondsPerPointPerToken * 1e6, summary.evaluationTokens) : ""))
        }
        print("report: \(reportPath)")
    }
}

extension SweepCommand {
    /// `--emit TYPE/FORMULA -o OUT.gguf`.
    func emitModel(_ variant: String, to path: String) throws {
        let plan = try SweepPlan.make(configPath: config, output: nil)
        let model = try GGUFFile(path: plan.config.model)
        try OutputCheck.prepare(outputs: [path], inputs: model.paths + (plan.config.imatrix?.file.map { [$0] } ?? []))
        let log: (String) -> Void = { Console.note($0) }
        let summary = try SweepEmit.emit(plan: plan, variant: variant, output: path, log: log)
        for line in summary.totalLines { print(line) }
        print("wrote \(path): grid point \(variant) of \(plan.config.name)")
    }
}

/// `imx sweep-merge -o OUT INPUTS…`: joins shard results and rebuilds the report.
struct SweepMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep-merge",
        abstract: "Join the results of sweep shards (results*.jsonl with their sweep.json) and write the report.",
        discussion: "Inputs are results files or output folders of `imx sweep --shard i/n` runs of the same config."
    )

    @Option(name: .shortAndLong, help: "The output folder for results.jsonl, report.md, summary.csv and plots.")
    var output: String

    @Argument(help: "Results files or folders to merge.")
    var inputs: [String]

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one results file or folder") }
    }

    func run() throws {
        let outcome = try SweepMerge.merge(inputs: inputs, output: output)
        print("merged \(outcome.records.count) grid points into \(output)/results.jsonl"
              + (outcome.duplicates > 0 ? " (\(outcome.duplicates) duplicates dropped)" : ""))
        if !outcome.missing.isEmpty { print("missing grid points: \(outcome.missing.joined(separator: ", "))") }
        print("report: \(output)/report.md")
    }
}
