/// The records of a sweep arranged on its grid, independent of the order they were given in:
/// sorted by grid index (one record per index), with types and formulas in the description's
/// order (anything the records have beyond it follows in index order).
struct SweepGrid {
    let description: SweepDescription
    /// One record per grid index, ascending.
    let records: [SweepRecord]
    let types: [String]
    let formulas: [String]
    /// `TYPE/FORMULA` of the described grid points that have no record, in grid order.
    let missingVariants: [String]
    let hasEvaluation: Bool
    let hasCalibration: Bool
    private let cells: [String: SweepRecord]

    init(description: SweepDescription, records unordered: [SweepRecord]) {
        self.description = description
        // Sorting on (index, variant) first makes the kept duplicate independent of the input order.
        let sorted = unordered.sorted { ($0.index, $0.variant) < ($1.index, $1.variant) }
        var seen = Set<Int>()
        records = sorted.filter { seen.insert($0.index).inserted }
        types = SweepGrid.ordered(description.types, then: records.map(\.type))
        formulas = SweepGrid.ordered(description.formulas, then: records.map(\.formula))
        var cells: [String: SweepRecord] = [:]
        for record in records where cells[SweepGrid.key(record.type, record.formula)] == nil {
            cells[SweepGrid.key(record.type, record.formula)] = record
        }
        self.cells = cells
        missingVariants = description.types.flatMap { type in
            description.formulas.filter { cells[SweepGrid.key(type, $0)] == nil }.map { "\(type)/\($0)" }
        }
        hasEvaluation = records.contains { $0.evaluation != nil }
        hasCalibration = records.contains { $0.calibration != nil }
    }

    /// The record of grid point (type, formula), if present.
    func record(type: String, formula: String) -> SweepRecord? { cells[SweepGrid.key(type, formula)] }

    /// The present records of one type, in formula order.
    func records(type: String) -> [SweepRecord] { formulas.compactMap { record(type: type, formula: $0) } }

    /// The baseline formula's record of `type`.
    func baseline(type: String) -> SweepRecord? { record(type: type, formula: description.baseline) }

    /// `first`, then the elements of `more` not in it, each once, in order of appearance.
    private static func ordered(_ first: [String], then more: [String]) -> [String] {
        var result: [String] = []
        var seen = Set<String>()
        for item in first + more where seen.insert(item).inserted { result.append(item) }
        return result
    }

    private static func key(_ type: String, _ formula: String) -> String { type + "\u{1F}" + formula }
}
