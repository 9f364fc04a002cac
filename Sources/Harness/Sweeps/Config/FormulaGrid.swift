import Foundation
import Weighting

/// One formula of the grid: the formula, its family and the grid parameters that made it.
public struct FormulaPoint: Sendable {
    public var formula: any WeightFormula
    /// `llama`, `lognormal`, `expr`, …
    public var family: String
    /// The values taken from grid arrays (`lambda: 0.25`).
    public var parameters: [String: Double]
    public var name: String { formula.description }
}

/// Expands the config's `formulas` list: strings are single formulas; in an object, every
/// array value is a grid axis and the points are their Cartesian product (for `expr`, the
/// arrays inside `parameters`).
public enum FormulaGrid {
    public static func expand(_ items: [FormulaSpec], registry: FormulaRegistry = .standard,
                              file: String) throws(SweepConfigError) -> [FormulaPoint] {
        guard !items.isEmpty else { throw SweepConfigError(file: file, path: "formulas", message: "the grid is empty: give at least one formula") }
        var points: [FormulaPoint] = []
        for (index, spec) in items.enumerated() {
            let path = "formulas[\(index)]"
            func build(_ spec: FormulaSpec) throws(SweepConfigError) -> any WeightFormula {
                do { return try registry.formula(spec) } catch {
                    throw SweepConfigError(file: file, path: path, message: error.description, cause: error)
                }
            }
            if case .text = spec {
                let family = spec.family
                points.append(FormulaPoint(formula: try build(spec), family: registry.names.contains(family) ? family : "expr", parameters: [:]))
                continue
            }
            var combinations: [[String: Double]] = [[:]]
            for (key, parameter) in spec.parameters.sorted(by: { $0.key < $1.key }) {
                guard case .grid(let values) = parameter else { continue }
                guard !values.isEmpty else {
                    let keyPath = spec.family == "expr" ? "\(path).parameters.\(key)" : "\(path).\(key)"
                    throw SweepConfigError(file: file, path: keyPath, message: "the grid is empty")
                }
                combinations = combinations.flatMap { partial in values.map { partial.merging([key: $0]) { $1 } } }
            }
            for combination in combinations {
                points.append(FormulaPoint(formula: try build(spec.fixing(combination)), family: spec.family, parameters: combination))
            }
        }
        var seen: Set<String> = []
        for (index, point) in points.enumerated() where !seen.insert(point.name).inserted {
            throw SweepConfigError(file: file, path: "formulas", message: "formula \(point.name) appears twice (point \(index + 1))")
        }
        return points
    }
}
