import Foundation
import Harness
import Model
import Weighting

/// The formula compared with `llama` in the scale search: one given with `--formula` (for every
/// type, key `*`), or the best of a finished sweep per type (least mean KLD on the evaluation
/// text, else on the calibration text, else least total relative weighted RMSE).
enum DiagnosisFormulas {
    static func load(formula: String?, sweepDirectory: String?) throws -> [String: any WeightFormula] {
        var result: [String: any WeightFormula] = [:]
        if let formula {
            do { result["*"] = try FormulaRegistry.standard.parse(formula) } catch {
                throw EvaluationError(source: "--formula", field: "formula", message: error.description, cause: error)
            }
        }
        if let sweepDirectory {
            let path = URL(fileURLWithPath: sweepDirectory).appendingPathComponent("results.jsonl").path
            guard FileManager.default.fileExists(atPath: path) else {
                throw EvaluationError(source: sweepDirectory, field: "results.jsonl", message: "no sweep results in this folder")
            }
            let records = try SweepResultsFile.read(path: path).records
            for (type, best) in bestFormulas(records) {
                do { result[type] = try FormulaRegistry.standard.parse(best) } catch {
                    throw EvaluationError(source: path, field: "formula", message: "'\(best)': \(error.description)", cause: error)
                }
            }
        }
        return result
    }

    /// The best formula per requested type of a sweep's records.
    static func bestFormulas(_ records: [SweepRecord]) -> [String: String] {
        func score(_ record: SweepRecord) -> Double {
            record.evaluation?.meanKLD ?? record.calibration?.meanKLD ?? record.totalRelativeWeightedError
        }
        var best: [String: SweepRecord] = [:]
        for record in records where best[record.type].map({ score(record) < score($0) }) ?? true {
            best[record.type] = record
        }
        return best.mapValues(\.formula)
    }

    /// How the comparison formulas read in the result (nil without any).
    static func describe(_ formulas: [String: any WeightFormula]) -> String? {
        guard !formulas.isEmpty else { return nil }
        return formulas.keys.sorted().map { $0 == "*" ? formulas[$0]!.description : "\($0): \(formulas[$0]!.description)" }
            .joined(separator: ", ")
    }
}
