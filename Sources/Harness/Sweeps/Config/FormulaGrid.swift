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
    public static func expand(_ items: [JSONValue], registry: FormulaRegistry = .standard,
                              file: String) throws(SweepConfigError) -> [FormulaPoint] {
        guard !items.isEmpty else { throw SweepConfigError(file: file, path: "formulas", message: "the grid is empty: give at least one formula") }
        var points: [FormulaPoint] = []
        for (index, item) in items.enumerated() {
            let path = "formulas[\(index)]"
            switch item {
            case .string(let text):
                let formula: any WeightFormula
                do { formula = try registry.parse(text) } catch {
                    throw SweepConfigError(file: file, path: path, message: error.description, cause: error)
                }
                let family = text.split(separator: "(").first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? text
                points.append(FormulaPoint(formula: formula, family: registry.names.contains(family) ? family : "expr", parameters: [:]))
            case .object(let object):
                guard case .string(let family)? = object["name"] else {
                    throw SweepConfigError(file: file, path: "\(path).name", message: "a formula object needs a string \"name\"")
                }
                let isExpression = family == "expr"
                var fixed = object
                var axes: [(key: String, values: [Double])] = []
                var parameterObject: [String: JSONValue] = [:]
                if isExpression, case .object(let parameters)? = object["parameters"] { parameterObject = parameters }
                let source = isExpression ? parameterObject : object
                for (key, value) in source.sorted(by: { $0.key < $1.key }) where key != "name" {
                    guard case .array(let values) = value else { continue }
                    let keyPath = isExpression ? "\(path).parameters.\(key)" : "\(path).\(key)"
                    guard !values.isEmpty else { throw SweepConfigError(file: file, path: keyPath, message: "the grid is empty") }
                    var numbers: [Double] = []
                    for (i, v) in values.enumerated() {
                        guard case .number(let number) = v else {
                            throw SweepConfigError(file: file, path: "\(keyPath)[\(i)]", message: "expected a number")
                        }
                        numbers.append(number)
                    }
                    axes.append((key, numbers))
                }
                var combinations: [[String: Double]] = [[:]]
                for axis in axes {
                    combinations = combinations.flatMap { partial in axis.values.map { partial.merging([axis.key: $0]) { $1 } } }
                }
                for combination in combinations {
                    if isExpression {
                        var parameters = parameterObject
                        for (key, value) in combination { parameters[key] = .number(value) }
                        fixed["parameters"] = .object(parameters)
                    } else {
                        for (key, value) in combination { fixed[key] = .number(value) }
                    }
                    let text = String(decoding: (try? JSONEncoder().encode(JSONValue.object(fixed))) ?? Data(), as: UTF8.self)
                    let formula: any WeightFormula
                    do { formula = try registry.parse(text) } catch {
                        throw SweepConfigError(file: file, path: path, message: error.description, cause: error)
                    }
                    points.append(FormulaPoint(formula: formula, family: family, parameters: combination))
                }
            default:
                throw SweepConfigError(file: file, path: path, message: "expected a formula string or object")
            }
        }
        var seen: Set<String> = []
        for (index, point) in points.enumerated() where !seen.insert(point.name).inserted {
            throw SweepConfigError(file: file, path: "formulas", message: "formula \(point.name) appears twice (point \(index + 1))")
        }
        return points
    }
}
