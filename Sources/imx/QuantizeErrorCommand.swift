import ArgumentParser
import Foundation
import GGUF
import Harness
import IMatrix
import Kernels
import Quantization
import Weighting

/// `imx quantize-error -m MODEL --imatrix FILE --type … --formula … [--tensors REGEX] [--json]`.
struct QuantizeErrorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize-error",
        abstract: "Re-quantize a model's weights per type and weighting formula; report RMSE and importance-weighted RMSE.",
        discussion: "Formulas: \(FormulaRegistry.standard.names.joined(separator: ", ")), NAME(param=value), a JSON object, or an expression over qw, x, sigma2, mean_qw, n_tokens."
    )

    @Option(name: [.short, .customLong("model")], help: "The GGUF model (its weights are dequantized to f32 first).")
    var model: String

    @Option(help: "The importance matrix (GGUF imatrix or legacy .dat).")
    var imatrix: String

    @Option(name: .customLong("type"), help: "Comma-separated target types, e.g. Q4_K,Q3_K,Q2_K.",
            transform: TypeList.reader("--type", use: .quantize))
    var types: [GGMLType]

    @Option(name: .customLong("formula"), help: "Comma-separated formulas (commas inside parentheses belong to the formula). (default: llama)",
            transform: { try FormulaArgument.list($0) })
    var formulas: [FormulaArgument] = [.llama]

    @Option(help: "Only tensors whose name matches this regular expression.")
    var tensors: String?

    @Option(help: "Importance of experts with zero tokens: ones (llama.cpp) or skip. (default: ones)",
            transform: ImportanceMatrix.ZeroCountPolicy.reader("--zero-count"))
    var zeroCount: ImportanceMatrix.ZeroCountPolicy = .ones

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var threadOptions: ThreadOptions

    func validate() throws {
        for formula in try weightFormulas() {
            if let problem = FormulaProbe.problem(formula) { throw CommandError("--formula: '\(formula)' \(problem)") }
        }
        if let tensors {
            do { _ = try Regex(tensors) } catch { throw CommandError("--tensors: '\(tensors)' is not a regular expression: \(error)") }
        }
    }

    func run() throws {
        let report = try QuantizationErrorStudy.run(
            model: try GGUFFile(path: model), importance: try ImportanceMatrix.read(path: imatrix), tensorPattern: tensors,
            types: types, formulas: try weightFormulas(), zeroCount: zeroCount, threads: threadOptions.threads)
        if json {
            try JSONOutput.print(report)
        } else {
            print(QuantizationErrorStudy.render(report))
        }
    }

    private func weightFormulas() throws(FormulaError) -> [any WeightFormula] {
        var built: [any WeightFormula] = []
        for formula in formulas { built.append(try formula.formula()) }
        return built
    }
}
