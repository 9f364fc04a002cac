/// Element-wise vector math for the forward pass: exponentials, activations, softmax,
/// log-sum-exp pieces, RMS normalization and BLAS-1 style arithmetic.
///
/// Every function works on raw `Float` pointers plus a count, runs on the calling thread and
/// processes eight lanes at a time with `SIMD8<Float>` (a partial vector or a scalar loop
/// handles the tail). Callers parallelize over rows with ``Parallel/forEachRange(count:threads:grain:_:)``.
/// Pointers must be valid for `count` elements; `count == 0` is always allowed. An output may
/// alias its own input (the in-place forms are meant for that) but not a different input.
public enum VectorMath {
    /// Lanes per SIMD step in every kernel of this enum.
    static let lanes = 8

    /// Elements summed in Float SIMD lanes before the partial sum moves into a `Double`.
    static let sumBlock = 1024
}

// MARK: - Unaligned SIMD access shared by the kernels

extension VectorMath {
    /// Eight floats read from `pointer + offset`, without any alignment requirement.
    @inline(__always)
    static func load8(_ pointer: UnsafePointer<Float>, _ offset: Int) -> SIMD8<Float> {
        UnsafeRawPointer(pointer + offset).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Writes eight floats to `pointer + offset`, without any alignment requirement.
    @inline(__always)
    static func store8(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>, _ offset: Int) {
        UnsafeMutableRawPointer(pointer + offset).storeBytes(of: value, as: SIMD8<Float>.self)
    }

    /// The `count` (< 8) floats at `pointer + offset`, padded with `fill` to a full vector.
    @inline(__always)
    static func loadPartial(_ pointer: UnsafePointer<Float>, _ offset: Int, count: Int, fill: Float) -> SIMD8<Float> {
        var vector = SIMD8<Float>(repeating: fill)
        for lane in 0..<count { vector[lane] = pointer[offset &+ lane] }
        return vector
    }

    /// Writes the first `count` (< 8) lanes of `value` to `pointer + offset`.
    @inline(__always)
    static func storePartial(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>, _ offset: Int, count: Int) {
        for lane in 0..<count { pointer[offset &+ lane] = value[lane] }
    }

    /// The sum of the eight lanes, each widened to `Double` first.
    @inline(__always)
    static func widenedSum(_ vector: SIMD8<Float>) -> Double {
        var total = 0.0
        for lane in 0..<8 { total += Double(vector[lane]) }
        return total
    }

    /// Σ term(x)[i] over `count` floats: terms summed in two Float SIMD accumulators per block
    /// of ``sumBlock`` elements, each block's lanes then added into a `Double`; the tail's terms
    /// are added one by one. Shared by the log-sum-exp and RMS-norm reductions.
    @inline(__always)
    static func blockedSum(_ x: UnsafePointer<Float>, count: Int, term: (SIMD8<Float>) -> SIMD8<Float>) -> Double {
        var total = 0.0
        let whole = count & ~(lanes &- 1)
        var i = 0
        while i < whole {
            let blockEnd = Swift.min(whole, i &+ sumBlock)
            var sum0 = SIMD8<Float>()
            var sum1 = SIMD8<Float>()
            while i &+ 2 &* lanes <= blockEnd {
                sum0 += term(load8(x, i))
                sum1 += term(load8(x, i &+ lanes))
                i &+= 2 &* lanes  // ≤ blockEnd ≤ count: cannot overflow
            }
            if i < blockEnd {
                sum0 += term(load8(x, i))
                i &+= lanes
            }
            total += widenedSum(sum0 + sum1)
        }
        if i < count {
            let rest = count &- i
            let terms = term(loadPartial(x, i, count: rest, fill: 0))
            for lane in 0..<rest { total += Double(terms[lane]) }
        }
        return total
    }

    /// `gate[i] = activation(gate[i]) · up[i]` over `count` floats, eight at a time.
    @inline(__always)
    static func gatedProduct(gate: UnsafeMutablePointer<Float>, up: UnsafePointer<Float>, count: Int,
                             activation: (SIMD8<Float>) -> SIMD8<Float>) {
        let whole = count & ~(lanes &- 1)
        var i = 0
        while i < whole {
            store8(activation(load8(gate, i)) * load8(up, i), gate, i)
            i &+= lanes  // i < whole ≤ count: cannot overflow
        }
        if i < count {
            let rest = count &- i
            let g = loadPartial(gate, i, count: rest, fill: 0)
            let u = loadPartial(up, i, count: rest, fill: 0)
            storePartial(activation(g) * u, gate, i, count: rest)
        }
    }
}
