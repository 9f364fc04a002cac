import Dispatch
import Foundation
import GGUF
import IMatrix
import Kernels
import Quantization
import Reports
import Weighting

/// `quantize-error`: for each selected weight tensor of a model, each type and each formula,
/// re-quantize the (dequantized) weights and measure the error against the imatrix.
public enum QuantizationErrorStudy {
    /// Metrics of one (tensor, type, formula), or of a total.
    public struct Row: Codable, Sendable {
        public var tensor: String
        /// The type the model stores the tensor in (its weights lie on that type's grid).
        public var sourceType: String
        public var type: String
        public var formula: String
        public var parameters: Int
        public var rmse: Double
        public var weightedRMSE: Double
        public var relativeWeightedError: Double
        public var maxAbsError: Double
    }

    /// A tensor left out, and why.
    public struct Skipped: Codable, Sendable {
        public var tensor: String
        public var reason: String
    }

    /// The whole study.
    public struct Report: Codable, Sendable {
        public var rows: [Row]
        /// Per (type, formula): metrics averaged over tensors weighted by parameter count
        /// (root of the parameter-weighted mean of squares; max for the max error).
        public var totals: [Row]
        /// Per type, the formula with the lowest total weighted RMSE.
        public var bestFormula: [String: String]
        public var skipped: [Skipped]
        public var seconds: Double
    }

    /// Runs the study. `tensorPattern` selects tensors by name (substring regex match).
    public static func run(
        model: GGUFFile, importance: ImportanceMatrix, tensorPattern: String?, types: [GGMLType],
        formulas: [any WeightFormula], zeroCount: ImportanceMatrix.ZeroCountPolicy, threads: Int
    ) throws -> Report {
        let start = DispatchTime.now().uptimeNanoseconds
        let pattern = try tensorPattern.map { try Regex($0) }
        var rows: [Row] = []
        var skipped: [Skipped] = []
        for tensor in model.tensors where tensor.shape.count >= 2 {
            if let pattern, !tensor.name.contains(pattern) { continue }
            let columns = tensor.rowLength
            let matrices = tensor.shape.count >= 3 ? tensor.shape[2...].reduce(1, *) : 1
            guard let slices = try importance.slices(for: tensor.name, columns: columns, matrices: matrices, zeroCount: zeroCount) else {
                skipped.append(Skipped(tensor: tensor.name, reason: "no entry in \(importance.path)"))
                continue
            }
            let usable = types.filter { columns % $0.blockSize == 0 }
            for type in types where !usable.contains(type) {
                skipped.append(Skipped(tensor: tensor.name, reason: "\(type.name): n_per_row \(columns) is not a multiple of \(type.blockSize)"))
            }
            if usable.isEmpty { continue }
            let weights = try model.dequantize(tensor, threads: threads)
            let rowsPerMatrix = tensor.rowCount / matrices
            for type in usable {
                for formula in formulas {
                    var totals = ErrorTotals()
                    try weights.withUnsafeBufferPointer { buffer in
                        for (matrix, slice) in slices.enumerated() {
                            guard let slice else { continue }
                            let offset = matrix * rowsPerMatrix * columns
                            totals.add(try QuantizationScoring.score(
                                type, formula: formula, rows: buffer.baseAddress! + offset, rowCount: rowsPerMatrix,
                                rowLength: columns, importance: slice.values, tokenCount: slice.tokenCount, pooled: slice.pooled, threads: threads))
                        }
                    }
                    rows.append(Row(tensor: tensor.name, sourceType: tensor.type.name, type: type.name, formula: formula.description,
                                    parameters: totals.elements, rmse: totals.rmse, weightedRMSE: totals.weightedRMSE,
                                    relativeWeightedError: totals.relativeWeightedError, maxAbsError: totals.maxAbsError))
                }
            }
        }
        let totals = totalRows(rows, types: types, formulas: formulas)
        var best: [String: String] = [:]
        for type in types {
            if let winner = totals.filter({ $0.type == type.name }).min(by: { $0.weightedRMSE < $1.weightedRMSE }) {
                best[type.name] = winner.formula
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Report(rows: rows, totals: totals, bestFormula: best, skipped: skipped, seconds: seconds)
    }

    private static func totalRows(_ rows: [Row], types: [GGMLType], formulas: [any WeightFormula]) -> [Row] {
        var result: [Row] = []
        for type in types {
            for formula in formulas {
                let group = rows.filter { $0.type == type.name && $0.formula == formula.description }
                guard !group.isEmpty else { continue }
                let parameters = group.reduce(0) { $0 + $1.parameters }
                func pooled(_ metric: (Row) -> Double) -> Double {
                    (group.reduce(0) { $0 + Double($1.parameters) * metric($1) * metric($1) } / Double(parameters)).squareRoot()
                }
                result.append(Row(tensor: "total (\(group.count) tensors)", sourceType: "", type: type.name, formula: formula.description,
                                  parameters: parameters, rmse: pooled(\.rmse), weightedRMSE: pooled(\.weightedRMSE),
                                  relativeWeightedError: pooled(\.relativeWeightedError),
                                  maxAbsError: group.map(\.maxAbsError).max() ?? 0))
            }
        }
        return result
    }

    /// The report as a text table (one line per tensor × type × formula, then totals and the
    /// best formula per type).
    public static func render(_ report: Report) -> String {
        var table = TextTable(headers: ["tensor", "stored", "type", "formula", "params", "rmse", "wrmse", "rel wrmse", "max |err|"])
        for row in report.rows + report.totals {
            table.append([row.tensor, row.sourceType, row.type, row.formula, Formatting.grouped(row.parameters),
                          scientific(row.rmse), scientific(row.weightedRMSE),
                          scientific(row.relativeWeightedError), scientific(row.maxAbsError)])
        }
        var lines = [table.render(), ""]
        for (type, formula) in report.bestFormula.sorted(by: { $0.key < $1.key }) {
            lines.append("best formula for \(type) (lowest total wrmse): \(formula)")
        }
        let sameType = Set(report.rows.filter { $0.sourceType == $0.type }.map { "\($0.tensor) → \($0.type)" })
        if !sameType.isEmpty {
            lines.append("note: \(sameType.count) tensor/type pairs re-quantize to the type the model stores them in; those weights "
                + "already lie on that grid, so their errors are tiny and formula rankings there are noise")
        }
        for skip in report.skipped { lines.append("skipped \(skip.tensor): \(skip.reason)") }
        lines.append("time: \(Formatting.fixed(report.seconds, 2)) s")
        return lines.joined(separator: "\n")
    }

    private static func scientific(_ value: Double) -> String { String(format: "%.4e", value) }
}
