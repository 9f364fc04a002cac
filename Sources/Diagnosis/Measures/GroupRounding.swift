import Kernels

/// Plain round-to-nearest with a per-group offset, the baseline of AWQ-style studies: each
/// group of `groupSize` consecutive elements of a row (the last group of a row may be shorter)
/// is stored as min + d·q with q ∈ 0…2ᵇ−1 and d = (max − min)/(2ᵇ − 1).
public struct GroupRounding: Sendable {
    public let bits: Int
    public let groupSize: Int

    public init(bits: Int, groupSize: Int) {
        precondition(bits >= 1 && bits <= 16 && groupSize > 0)
        self.bits = bits
        self.groupSize = groupSize
    }

    /// Rounds `rowCount × rowLength` values into `output` (which may be `input`).
    public func apply(_ input: UnsafePointer<Float>, rowCount: Int, rowLength: Int,
                      into output: UnsafeMutablePointer<Float>, threads: Int = Parallel.processorCount) {
        let levels = Float((1 << bits) - 1)
        let groupSize = self.groupSize
        Parallel.forEachRange(count: rowCount, threads: threads, grain: 16) { range in
            for row in range {
                let source = input + row &* rowLength, target = output + row &* rowLength
                var start = 0
                while start < rowLength {
                    let end = min(rowLength, start &+ groupSize)
                    var low = source[start], high = source[start]
                    for j in start..<end {
                        low = min(low, source[j])
                        high = max(high, source[j])
                    }
                    let step = (high - low) / levels
                    if step > 0 {
                        let inverse = 1 / step
                        for j in start..<end {
                            let q = min(levels, max(0, ((source[j] - low) * inverse).rounded()))
                            target[j] = low + step * q
                        }
                    } else {
                        for j in start..<end { target[j] = source[j] }
                    }
                    start = end
                }
            }
        }
    }
}
