import Model
import TestSupport

/// Copies every observed matmul input, keyed like the naive reference's records: dense rows
/// by their batch token index (row r of a dense call is batch token r, or the r-th requested
/// output row for the output matrix), expert rows by the token indices the call names.
final class RecordingObserver: ActivationObserver {
    /// Rows by weight (and expert): batch token index → values.
    private(set) var rows: [NaiveMatmulKey: [Int: [Float]]] = [:]
    /// Calls by weight (and expert).
    private(set) var calls: [NaiveMatmulKey: Int] = [:]
    /// Column counts by weight (and expert).
    private(set) var columns: [NaiveMatmulKey: Int] = [:]
    /// Per expert tensor: the selected experts of each batch token, as a set.
    private(set) var selections: [String: [Set<Int>]] = [:]
    /// Problems noticed while observing (shape or routing inconsistencies).
    private(set) var problems: [String] = []

    func observe(_ activation: ObservedActivation) {
        let key = NaiveMatmulKey(activation.tensorName, expert: activation.expert?.expert)
        calls[key, default: 0] += 1
        if let known = columns[key], known != activation.columns {
            problems.append("\(key): columns \(activation.columns), earlier \(known)")
        }
        columns[key] = activation.columns
        let values = activation.values
        var table = rows[key] ?? [:]
        let base = table.count
        for r in 0..<activation.rows {
            let row = Array(values[(r * activation.columns)..<((r + 1) * activation.columns)])
            let index: Int
            if let expert = activation.expert {
                guard expert.tokenIndices.count == activation.rows else {
                    problems.append("\(key): \(expert.tokenIndices.count) token indices for \(activation.rows) rows")
                    return
                }
                index = Int(expert.tokenIndices[r])
            } else {
                index = base + r
            }
            if table[index] != nil { problems.append("\(key): token \(index) observed twice") }
            table[index] = row
        }
        rows[key] = table
        if let expert = activation.expert {
            let tokens = expert.selectedExperts.count / max(1, expert.usedCount)
            let chosen = (0..<tokens).map { t in
                Set((0..<expert.usedCount).map { Int(expert.selectedExperts[t * expert.usedCount + $0]) })
            }
            if let earlier = selections[activation.tensorName], earlier != chosen {
                problems.append("\(activation.tensorName): selectedExperts differ between expert calls")
            }
            selections[activation.tensorName] = chosen
        }
    }
}
