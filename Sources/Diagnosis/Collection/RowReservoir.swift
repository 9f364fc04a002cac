import Kernels

/// A uniform random sample of at most `capacity` input rows (reservoir sampling, algorithm
/// R), each with the expert it was routed to (0 for a dense matrix).
///
/// The generator is seeded from the product's input name, so tensors that read the same input
/// (q, k and v) keep the same rows, and every run of the same text keeps the same sample.
public struct RowReservoir: Sendable {
    public let capacity: Int
    public let columns: Int
    /// Rows offered so far.
    public private(set) var seen = 0
    /// The kept rows, `count × columns` row-major.
    public private(set) var values: [Float]
    /// The expert of each kept row.
    public private(set) var experts: [Int32]
    private var generator: SplitMix64

    public init(capacity: Int, columns: Int, seed: UInt64) {
        self.capacity = capacity
        self.columns = columns
        values = []
        experts = []
        // Room for the first rows only: the sample grows with the rows offered, so a large
        // capacity costs nothing until the text has that many rows.
        let (reserve, overflow) = min(capacity, 4096).multipliedReportingOverflow(by: columns)
        if !overflow { values.reserveCapacity(reserve) }
        generator = SplitMix64(seed: seed)
    }

    /// Rows kept.
    public var count: Int { experts.count }

    /// Offers `rowCount` rows of the matrix `expert`.
    public mutating func offer(_ input: UnsafePointer<Float>, rows rowCount: Int, expert: Int) {
        guard capacity > 0 else { return }
        for row in 0..<rowCount {
            let source = UnsafeBufferPointer(start: input + row &* columns, count: columns)
            if seen < capacity {
                values.append(contentsOf: source)
                experts.append(Int32(expert))
            } else {
                let slot = Int(generator.next() % UInt64(seen + 1))
                if slot < capacity {
                    values.withUnsafeMutableBufferPointer { target in
                        (target.baseAddress! + slot &* columns).update(from: source.baseAddress!, count: columns)
                    }
                    experts[slot] = Int32(expert)
                }
            }
            seen += 1
        }
    }

    /// The kept rows of `expert`, row-major.
    public func rows(of expert: Int) -> [Float] {
        var out: [Float] = []
        for (index, owner) in experts.enumerated() where Int(owner) == expert {
            out.append(contentsOf: values[(index * columns)..<((index + 1) * columns)])
        }
        return out
    }
}
