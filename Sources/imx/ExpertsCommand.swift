import ArgumentParser
import Foundation
import Harness
import IMatrix
import Kernels

/// `imx experts IMATRIX [-m MODEL] [--min-tokens N] [--json] [--html FILE]`: which experts of
/// an MoE model the imatrix covers.
struct ExpertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experts",
        abstract: "Expert coverage of an imatrix: tokens per expert, zero-token experts by id, what each partial-data policy does.",
        discussion: """
            For every expert tensor (blk.N.ffn_{gate,up,down}_exps.weight): the experts that got no \
            token and those below --min-tokens, by id; min/median/max tokens per expert; tokens routed; \
            and the outcome under keep, fill-one, ik, skip and prior=1. A legacy imatrix.dat stores no \
            per-expert counts: with -m the experts the legacy writer filled with importance 1 are found \
            instead. With -m every entry's size is checked against the model and the model's expert \
            tensors missing from the imatrix are listed.
            """
    )

    @Argument(help: "The imatrix (GGUF or legacy .dat).")
    var imatrix: String

    @Option(name: [.short, .customLong("model")], help: "The model GGUF (expert counts and shapes; only the tensor table is read).")
    var model: String?

    @Option(help: "Experts with fewer tokens than this (but at least one) are listed as under-covered.")
    var minTokens = ExpertCoverage.defaultMinimumTokens

    @Flag(help: "Print JSON (snake_case) instead of text.")
    var json = false

    @Option(help: "Also write a self-contained HTML report (layer × expert heat maps and the tables) to this file.")
    var html: String?

    func validate() throws {
        guard minTokens >= 1 else { throw ValidationError("--min-tokens must be at least 1, got \(minTokens)") }
    }

    func run() throws {
        if let html { try OutputCheck.prepare(outputs: [html], inputs: [imatrix] + (model.map { [$0] } ?? [])) }
        let file = try ImportanceMatrix.read(path: imatrix)
        let shapes = try model.map { (path) throws(ImatrixError) in try ModelTensorShapes(path: path) }
        let coverage = try ExpertCoverage(file: file, model: shapes, minimumTokens: minTokens)
        if let html {
            try ReportFile.write(ExpertCoverageHTML.render(coverage), to: html)
            Console.note("wrote \(html)")
        }
        if json {
            try JSONOutput.print(coverage)
        } else {
            print(coverage.text)
        }
    }
}
