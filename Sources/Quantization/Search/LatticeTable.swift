import GGUF

/// ggml's search tables for a lattice (`iq2xs_init_impl`, `iq3xs_init_impl`): the grid points
/// as odd levels `2l + 1`, the map from a packed level pattern to its grid index, and, for every
/// pattern not on the grid, its neighbours: all grid points in the `shells` smallest squared
/// distances, ordered by (distance, index) as ggml's sort orders them.
final class LatticeTable: Sendable {
    /// Elements per grid point (8 for IQ2, 4 for IQ3).
    let width: Int
    /// Bits per level in a packed pattern (2 for IQ2, 3 for IQ3).
    let bits: Int
    /// Grid point `i`, element `k`: `points[width·i + k] = 2l + 1`.
    let points: [Int8]
    /// Packed pattern → grid index, or −1.
    let map: [Int32]
    /// Packed pattern → range in `neighbours` (empty for patterns on the grid).
    let neighbourStart: [Int32]
    let neighbourEnd: [Int32]
    let neighbours: [UInt16]

    /// IQ2_XXS: 256 points; bytes {8, 25, 43} are levels 0, 1, 2; two shells.
    static let iq2xxs = LatticeTable(levels: twoBitLevels(LatticePoints.iq2xxs), width: 8, bits: 2, mapSize: 43_692, shells: 2,
                                     searchedLevels: 3)
    /// IQ2_XS: 512 points; two shells.
    static let iq2xs = LatticeTable(levels: twoBitLevels(LatticePoints.iq2xs), width: 8, bits: 2, mapSize: 43_692, shells: 2,
                                    searchedLevels: 3)
    /// IQ2_S: 1024 points; one shell.
    static let iq2s = LatticeTable(levels: twoBitLevels(LatticePoints.iq2s), width: 8, bits: 2, mapSize: 43_692, shells: 1,
                                   searchedLevels: 3)
    /// IQ1_S: 2048 points of signed bytes {−1, 0, 1} = levels 0, 1, 2; three shells.
    static let iq1s = LatticeTable(
        levels: LatticePoints.iq1s.map { point in (0..<8).map { Int(Int8(truncatingIfNeeded: point >> UInt64(8 * $0))) + 1 } },
        width: 8, bits: 2, mapSize: 43_692, shells: 3, searchedLevels: 3)
    /// IQ3_XXS: 256 points of 4 bytes whose 8 distinct values, sorted, are levels 0…7; two shells.
    static let iq3xxs = LatticeTable(levels: sortedLevels(LatticePoints.iq3xxs.map { point in (0..<4).map { UInt8(truncatingIfNeeded: point >> UInt32(8 * $0)) } }),
                                     width: 4, bits: 3, mapSize: 4096, shells: 2, searchedLevels: 8)
    /// IQ3_S: 512 points of 4 odd bytes `2l + 1`; three shells.
    static let iq3s = LatticeTable(
        levels: LatticePoints.iq3s.map { point in (0..<4).map { (Int((point >> UInt32(8 * $0)) & 0xFF) - 1) / 2 } },
        width: 4, bits: 3, mapSize: 4096, shells: 3, searchedLevels: 8)

    /// The levels of 8-byte points whose distinct byte values, sorted, are levels 0, 1, 2, ….
    private static func twoBitLevels(_ grid: [UInt64]) -> [[Int]] {
        sortedLevels(grid.map { point in (0..<8).map { UInt8(truncatingIfNeeded: point >> UInt64(8 * $0)) } })
    }

    /// Levels of points given as bytes: the index of each byte among the distinct values, sorted.
    private static func sortedLevels(_ bytes: [[UInt8]]) -> [[Int]] {
        let values = Array(Set(bytes.joined())).sorted()
        return bytes.map { point in point.map { values.firstIndex(of: $0)! } }
    }

    /// `searchedLevels`: the quantizers only look up patterns whose levels are below it, so
    /// neighbour lists are built for those only (the lists do not depend on each other).
    init(levels: [[Int]], width: Int, bits: Int, mapSize: Int, shells: Int, searchedLevels: Int) {
        self.width = width
        self.bits = bits
        var points = [Int8](repeating: 0, count: levels.count * width)
        var map = [Int32](repeating: -1, count: mapSize)
        for (index, point) in levels.enumerated() {
            var pattern = 0
            for k in 0..<width {
                points[width * index + k] = Int8(2 * point[k] + 1)
                pattern |= point[k] << (bits * k)
            }
            map[pattern] = Int32(index)
        }
        var starts = [Int32](repeating: 0, count: mapSize)
        var ends = [Int32](repeating: 0, count: mapSize)
        var neighbours: [UInt16] = []
        var distances = [Int](repeating: 0, count: levels.count)
        let mask = (1 << bits) - 1
        points.withUnsafeBufferPointer { grid in
            distances.withUnsafeMutableBufferPointer { d in
                var nearest = [Int](repeating: .max, count: shells)   // the smallest distinct distances, ascending
                for pattern in 0..<mapSize where map[pattern] < 0 {
                    var searched = true
                    for k in 0..<width where (pattern >> (bits &* k)) & mask >= searchedLevels { searched = false }
                    if !searched { continue }
                    for s in 0..<shells { nearest[s] = .max }
                    for j in 0..<d.count {
                        var d2 = 0
                        for k in 0..<width {
                            let diff = Int(grid[width &* j &+ k]) &- (2 &* ((pattern >> (bits &* k)) & mask) &+ 1)
                            d2 &+= diff &* diff
                        }
                        d[j] = d2
                        if d2 < nearest[shells - 1] && !nearest.contains(d2) {
                            var s = shells - 1
                            while s > 0 && nearest[s - 1] > d2 {
                                nearest[s] = nearest[s - 1]
                                s -= 1
                            }
                            nearest[s] = d2
                        }
                    }
                    starts[pattern] = Int32(neighbours.count)
                    for shell in nearest where shell != .max {
                        for j in 0..<d.count where d[j] == shell { neighbours.append(UInt16(j)) }
                    }
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

    /// `iq2_find_best_neighbour` / `iq3_find_best_neighbour`: the neighbour of off-grid
    /// `pattern` nearest to `xval` under `weight` at `scale` (first wins ties); writes its
    /// levels to `levels` and returns its index.
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
                for i in 0..<width {
                    let diff = scale * Float(grid[width &* index &+ i]) - xval[i]
                    d2 += weight[i] * diff * diff
                }
                if d2 < best {
                    best = d2
                    bestIndex = index
                }
            }
            for i in 0..<width { levels[i] = (grid[width &* bestIndex &+ i] &- 1) / 2 }
        }
        return bestIndex
    }

    /// The packed pattern of `width` levels.
    @inline(__always)
    func pattern(_ levels: UnsafePointer<Int8>) -> Int {
        var u = 0
        for i in 0..<width { u |= Int(levels[i]) << (bits &* i) }
        return u
    }

    /// The levels of grid point `index` (`(2l + 1 − 1)/2`) into `levels`.
    @inline(__always)
    func copyLevels(of index: Int, into levels: UnsafeMutablePointer<Int8>) {
        for i in 0..<width { levels[i] = (points[width &* index &+ i] &- 1) / 2 }
    }
}
