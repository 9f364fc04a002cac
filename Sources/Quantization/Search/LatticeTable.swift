import GGUF

/// ggml's search tables for an 8-element 2-bit lattice (`iq2xs_init_impl`): the grid points as
/// odd levels `2l + 1`, the map from a packed level pattern to its grid index, and, for every
/// pattern not on the grid, its neighbours: all grid points in the two smallest
/// squared distances, ordered by (distance, index).
final class LatticeTable: Sendable {
    /// Grid point `i`, element `k`: `points[8i + k] = 2l + 1`.
    let points: [Int8]
    /// Packed pattern (2 bits per element) → grid index, or −1.
    let map: [Int32]
    /// Packed pattern → range in `neighbours` (empty for patterns on the grid).
    let neighbourStart: [Int32]
    let neighbourEnd: [Int32]
    let neighbours: [UInt16]

    static let iq2xxs = LatticeTable(grid: LatticePoints.iq2xxs)
    static let iq2xs = LatticeTable(grid: LatticePoints.iq2xs)

    /// Builds the tables with ggml's two nearest distance shells per off-grid pattern (IQ2_XXS, IQ2_XS).
    init(grid: [UInt64]) {
        let byteValues = Array(Set(grid.flatMap { point in (0..<8).map { UInt8(truncatingIfNeeded: point >> UInt64(8 * $0)) } })).sorted()
        var points = [Int8](repeating: 0, count: grid.count * 8)
        var map = [Int32](repeating: -1, count: 43_692)
        for (index, point) in grid.enumerated() {
            var pattern = 0
            for k in 0..<8 {
                let level = byteValues.firstIndex(of: UInt8(truncatingIfNeeded: point >> UInt64(8 * k)))!
                points[8 * index + k] = Int8(2 * level + 1)
                pattern |= level << (2 * k)
            }
            map[pattern] = Int32(index)
        }
        var starts = [Int32](repeating: 0, count: map.count)
        var ends = [Int32](repeating: 0, count: map.count)
        var neighbours: [UInt16] = []
        var distances = [Int](repeating: 0, count: grid.count)
        points.withUnsafeBufferPointer { grid in
            distances.withUnsafeMutableBufferPointer { d in
                for pattern in 0..<map.count where map[pattern] < 0 {
                    var first = Int.max
                    var second = Int.max
                    for j in 0..<d.count {
                        var d2 = 0
                        for k in 0..<8 {
                            let diff = Int(grid[8 &* j &+ k]) &- (2 &* ((pattern >> (2 &* k)) & 3) &+ 1)
                            d2 &+= diff &* diff
                        }
                        d[j] = d2
                        if d2 < first {
                            second = first
                            first = d2
                        } else if d2 > first && d2 < second {
                            second = d2
                        }
                    }
                    starts[pattern] = Int32(neighbours.count)
                    for j in 0..<d.count where d[j] == first { neighbours.append(UInt16(j)) }
                    for j in 0..<d.count where d[j] == second { neighbours.append(UInt16(j)) }
                    ends[pattern] = Int32(neighbours.count)
                }
            }
        }
        self.points = points
        self.map = map
        neighbourStart = starts
        neighbourEnd = ends
        self.neighbours = neighbours
    }

    /// `iq2_find_best_neighbour`: the neighbour of off-grid `pattern` nearest to `xval` under
    /// weights `weight` at `scale` (first wins ties); writes its levels to `levels`.
    @inline(__always)
    func bestNeighbour(
        of pattern: Int, _ xval: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, scale: Float,
        levels: UnsafeMutablePointer<Int8>
    ) -> Int {
        var best = Float.greatestFiniteMagnitude
        var bestIndex = -1
        points.withUnsafeBufferPointer { grid in
            for n in Int(neighbourStart[pattern])..<Int(neighbourEnd[pattern]) {
                let index = Int(neighbours[n])
                var d2: Float = 0
                for i in 0..<8 {
                    let diff = scale * Float(grid[8 &* index &+ i]) - xval[i]
                    d2 += weight[i] * diff * diff
                }
                if d2 < best {
                    best = d2
                    bestIndex = index
                }
            }
            for i in 0..<8 { levels[i] = (grid[8 &* bestIndex &+ i] &- 1) / 2 }
        }
        return bestIndex
    }

    /// The packed pattern of 8 levels.
    @inline(__always)
    static func pattern(_ levels: UnsafePointer<Int8>) -> Int {
        var u = 0
        for i in 0..<8 { u |= Int(levels[i]) << (2 &* i) }
        return u
    }
}
