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

    @Option(name: .customLong("type"), help: "Comma-separated target types, e.g. Q4_K,Q3_K,Q2_K.")
    var types: String

    @Option(name: .customLong("formula"), help: "Comma-separated formulas (commas inside parentheses belong to the formula).")
    var formulas: String = "llama"

    @Option(help: "Only tensors whose name matches this regular expression.")
    var tensors: String?

    @Option(help: "Importance of experts with zero tokens: ones (llama.cpp) or skip.")
    var zeroCount: String = "ones"

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var threadOptions: ThreadOptions

    func run() throws {
        let targetTypes = try TypeList.parse(types, option: "--type")
        let formulaList = try FormulaRegistry.standard.parseList(formulas)
        for formula in formulaList {
            if let problem = FormulaProbe.problem(formula) { throw CommandError("--formula: '\(formula)' \(problem)") }
        }
        guard let policy = ImportanceMatrix.ZeroCountPolicy(rawValue: zeroCount) else {
            throw CommandError("--zero-count must be ones or skip, got '\(zeroCount)'")
        }
        if let tensors {
            do { _ = try Regex(tensors) } catch { throw CommandError("--tensors: '\(tensors)' is not a regular expression: \(error)") }
        }
        let report = try QuantizationErrorStudy.run(
            model: try GGUFFile(path: model), importance: try ImportanceMatrix.read(path: imatrix), tensorPattern: tensors,
            types: targetTypes, formulas: formulaList, zeroCount: policy, threads: threadOptions.threads)
        if json {
            try JSONOutput.print(report)
        } else {
            print(QuantizationErrorStudy.render(report))
        }
    }
}

/// Parses comma-separated quantization type names.
enum TypeList {
    static func parse(_ text: String, option: String) throws -> [GGMLType] {
        try text.split(separator: ",").map { name in
            let name = name.trimmingCharacters(in: .whitespaces)
            guard let type = GGMLType(name: name) else { throw CommandError("\(option): unknown type '\(name)'") }
            guard RowQuantizer.supports(type) else {
                throw CommandError("\(option): cannot quantize to \(type.name) (supported: \(RowQuantizer.supportedTypes.map(\.name).joined(separator: ", ")))")
            }
            return type
        }
    }
}
