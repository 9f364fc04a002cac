import IMatrix
import Testing

/// Compares an imatrix we wrote with llama.cpp's: the same entries in the same order, the same
/// counts exactly, zeros where the reference has zeros, values within a relative tolerance.
enum ImatrixComparison {
    static func expectMatches(_ ours: ImportanceMatrix, _ reference: ImportanceMatrix, rtol: Double,
                              tighter: [String: Double] = [:], what: String) {
        #expect(ours.format == reference.format, "\(what): format")
        #expect(ours.entries.map(\.name) == reference.entries.map(\.name), "\(what): entry names")
        #expect(ours.datasets == reference.datasets, "\(what): datasets \(ours.datasets) vs \(reference.datasets)")
        #expect(ours.chunkCount == reference.chunkCount, "\(what): chunk count")
        #expect(ours.chunkSize == reference.chunkSize, "\(what): chunk size")
        for theirs in reference.entries {
            guard let mine = ours.entry(named: theirs.name) else { continue }
            #expect(mine.counts == theirs.counts, "\(what) \(theirs.name): counts \(mine.counts) vs \(theirs.counts)")
            #expect(mine.values.count == theirs.values.count, "\(what) \(theirs.name): sizes")
            let tolerance = tighter.first { theirs.name.hasPrefix($0.key) }?.value ?? rtol
            var worst = (difference: 0.0, index: -1)
            for (index, (a, b)) in zip(mine.values, theirs.values).enumerated() {
                let difference = b == 0 ? (a == 0 ? 0 : .infinity) : abs(Double(a) / Double(b) - 1)
                if difference > worst.difference { worst = (difference, index) }
            }
            #expect(worst.difference <= tolerance,
                    "\(what) \(theirs.name): value \(worst.index) differs by \(worst.difference) relative (tolerance \(tolerance))")
        }
    }

    /// Cosine similarity and relative L2 difference of two value lists.
    static func similarity(_ a: [Float], _ b: [Float]) -> (cosine: Double, relativeL2: Double) {
        var dot = 0.0, aa = 0.0, bb = 0.0, dd = 0.0
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            aa += Double(x) * Double(x)
            bb += Double(y) * Double(y)
            dd += (Double(x) - Double(y)) * (Double(x) - Double(y))
        }
        return (dot / (aa.squareRoot() * bb.squareRoot()), dd.squareRoot() / bb.squareRoot())
    }
}
