import Foundation
import Reports
import Weighting

/// The SVG plots of a sweep report: the formulas per type (KLD, or total wRMSE without
/// end-to-end scores), wRMSE per layer for each type, and for each formula family swept over a
/// parameter, the score against that parameter.
extension SweepReport {
    /// One plot file and the caption `report.md` links it with.
    struct Plot {
        var fileName: String
        var caption: String
        var svg: String
    }

    /// Values spanning more than this factor get a log axis.
    static let logSpan = 20.0

    static func plotList(_ grid: SweepGrid) -> [Plot] {
        var plots = [formulaPlot(grid)].compactMap { $0 }
        plots += grid.types.compactMap { layerPlot(grid, type: $0) }
        plots += familyPlots(grid)
        var used = Set<String>()
        for index in plots.indices {
            var name = plots[index].fileName, suffix = 2
            while !used.insert(name).inserted {
                name = plots[index].fileName.replacingSuffix(".svg", with: "-\(suffix).svg")
                suffix += 1
            }
            plots[index].fileName = name
        }
        return plots
    }

    /// The score a plot shows for a record: mean evaluation KLD when the sweep has any, else total wRMSE.
    private static func score(_ record: SweepRecord, _ grid: SweepGrid) -> Double? {
        grid.hasEvaluation ? record.evaluation?.meanKLD : record.totalWeightedRMSE
    }

    /// Log when the positive values span more than ``logSpan``.
    private static func scale(for values: [Double]) -> AxisScale.Kind {
        let positive = values.filter { $0.isFinite && $0 > 0 }
        guard let low = positive.min(), let high = positive.max() else { return .linear }
        return high > logSpan * low ? .logarithmic : .linear
    }

    /// `kld-by-formula.svg` (or `wrmse-by-formula.svg`): groups = types, bars = formulas.
    private static func formulaPlot(_ grid: SweepGrid) -> Plot? {
        guard !grid.records.isEmpty else { return nil }
        let formulas = grid.formulas.filter { formula in grid.types.contains { grid.record(type: $0, formula: formula) != nil } }
        let series = formulas.map { formula in
            BarChart.Series(name: formula,
                            values: grid.types.map { type in grid.record(type: type, formula: formula).flatMap { score($0, grid) } },
                            errors: grid.types.map { grid.record(type: $0, formula: formula)?.evaluation?.meanKLDUncertainty })
        }
        let values = series.flatMap { $0.values.compactMap { $0 } }
        let kld = grid.hasEvaluation
        let title = kld ? "\(grid.description.name): mean KLD on the evaluation text" : "\(grid.description.name): total wRMSE"
        let chart = BarChart(title: title, yLabel: kld ? "mean KLD (nats/token)" : "total wRMSE", scale: scale(for: values),
                             groups: grid.types, series: series)
        return Plot(fileName: kld ? "kld-by-formula.svg" : "wrmse-by-formula.svg",
                    caption: kld ? "KLD per formula" : "Total wRMSE per formula", svg: chart.svg())
    }

    /// `wrmse-per-layer-TYPE.svg`: one line per formula over the block number.
    private static func layerPlot(_ grid: SweepGrid, type: String) -> Plot? {
        let records = grid.records(type: type)
        guard records.contains(where: { $0.tensors.contains { $0.layer != nil } }) else { return nil }
        let series = records.map { record in
            let layers = Set(record.tensors.compactMap(\.layer)).sorted()
            let points = layers.map { layer in
                LineChart.Point(x: Double(layer), y: SweepRecord.pooled(
                    record.tensors.filter { $0.layer == layer }.map { ($0.totals.elements, $0.totals.weightedRMSE) }))
            }
            return LineChart.Series(name: record.formula, points: points)
        }
        let chart = LineChart(title: "\(type): wRMSE per layer (tensors pooled)", x: .init(label: "layer", integral: true),
                              y: .init(label: "wRMSE", scale: .logarithmic), series: series)
        return Plot(fileName: "wrmse-per-layer-\(fileComponent(type)).svg", caption: "wRMSE per layer, \(type)", svg: chart.svg())
    }

    /// `sweep-FAMILY-PARAMETER.svg` for every family with points that differ in that parameter:
    /// one line per type (and per setting of the family's other parameters).
    private static func familyPlots(_ grid: SweepGrid) -> [Plot] {
        let kld = grid.hasEvaluation
        var plots: [Plot] = []
        for family in orderedUnique(grid.records.map(\.family)) {
            let members = grid.records.filter { $0.family == family }
            for parameter in Set(members.flatMap(\.parameters.keys)).sorted() {
                var lines: [(name: String, points: [LineChart.Point])] = []
                for type in grid.types {
                    let points = members.filter { $0.type == type && $0.parameters[parameter] != nil }
                    for others in orderedUnique(points.map { otherParameters($0, except: parameter) }) {
                        let line = points.filter { otherParameters($0, except: parameter) == others }
                            .compactMap { record in score(record, grid).map { LineChart.Point(x: record.parameters[parameter]!, y: $0) } }
                            .sorted { $0.x < $1.x }
                        if !line.isEmpty { lines.append((others.isEmpty ? type : "\(type) (\(others))", line)) }
                    }
                }
                guard lines.contains(where: { Set($0.points.map(\.x)).count >= 2 }) else { continue }
                let values = lines.flatMap { $0.points.map(\.y) }
                let chart = LineChart(title: "\(family): \(kld ? "mean KLD" : "total wRMSE") against \(parameter)",
                                      x: .init(label: parameter),
                                      y: .init(label: kld ? "mean KLD (nats/token)" : "total wRMSE", scale: scale(for: values)),
                                      series: lines.map { LineChart.Series(name: $0.name, points: $0.points) })
                plots.append(Plot(fileName: "sweep-\(fileComponent(family))-\(fileComponent(parameter)).svg",
                                  caption: "\(family) over \(parameter)", svg: chart.svg()))
            }
        }
        return plots
    }

    /// The record's parameters other than `parameter`, as `k=v, k=v` in key order.
    private static func otherParameters(_ record: SweepRecord, except parameter: String) -> String {
        record.parameters.keys.sorted().filter { $0 != parameter }
            .map { "\($0)=\(Formatting.significant(record.parameters[$0]!, 6))" }.joined(separator: ", ")
    }

    /// `name` with everything but letters, digits, `.`, `_` and `-` replaced by `_`.
    static func fileComponent(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
    }
}

extension String {
    /// The string with `suffix` replaced by `replacement` (or `replacement` appended when it does not end with `suffix`).
    func replacingSuffix(_ suffix: String, with replacement: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) + replacement : self + replacement
    }
}
