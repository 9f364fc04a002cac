import Kernels

/// Row-wise element operations of the forward pass, split over threads by rows.
///
/// All matrices are row-major with the given leading dimension (`stride`); the work per row is
/// a ``VectorMath`` kernel.
struct RowOperations {
    let threads: Int

    /// `output[r] = rmsNorm(input[r]) · weight` for `rows` rows of `width` (in place allowed).
    func rmsNorm(_ input: UnsafePointer<Float>, weight: [Float]?, rows: Int, width: Int, epsilon: Float,
                 into output: UnsafeMutablePointer<Float>) {
        let run = { (weightPointer: UnsafePointer<Float>?) in
            Parallel.forEachRange(count: rows, threads: threads, grain: 8) { range in
                for row in range {
                    VectorMath.rmsNorm(input + row * width, weight: weightPointer, count: width,
                                       epsilon: epsilon, into: output + row * width)
                }
            }
        }
        if let weight { weight.withUnsafeBufferPointer { run($0.baseAddress) } } else { run(nil) }
    }

    /// `matrix[r] += bias` for `rows` rows of `bias.count`.
    func addBias(_ matrix: UnsafeMutablePointer<Float>, bias: [Float], rows: Int) {
        bias.withUnsafeBufferPointer { bias in
            let width = bias.count
            Parallel.forEachRange(count: rows, threads: threads, grain: 64) { range in
                for row in range { VectorMath.add(matrix + row * width, bias.baseAddress!, count: width) }
            }
        }
    }

    /// Adds row `row` of `table` (`width` floats per row) to each of `rows` rows of `matrix`.
    func addBiasRow(_ matrix: UnsafeMutablePointer<Float>, table: [Float], row: Int, width: Int, rows: Int) {
        table.withUnsafeBufferPointer { table in
            let bias = table.baseAddress! + row * width
            Parallel.forEachRange(count: rows, threads: threads, grain: 64) { range in
                for index in range { VectorMath.add(matrix + index * width, bias, count: width) }
            }
        }
    }

    /// `target += source`, both `count` floats.
    func add(_ target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, count: Int) {
        let grain = 1 << 14
        Parallel.forEachRange(count: (count + grain - 1) / grain, threads: threads) { range in
            let start = range.lowerBound * grain
            let end = min(count, range.upperBound * grain)
            VectorMath.add(target + start, source + start, count: end - start)
        }
    }

    /// `gate = act(gate) · up` for `count` floats: the gated feed-forward nonlinearity.
    func gatedActivation(_ activation: FeedForwardSpec.Activation, gate: UnsafeMutablePointer<Float>,
                         up: UnsafePointer<Float>, count: Int) {
        let grain = 1 << 13
        Parallel.forEachRange(count: (count + grain - 1) / grain, threads: threads) { range in
            let start = range.lowerBound * grain
            let end = min(count, range.upperBound * grain)
            switch activation {
            case .silu: VectorMath.siluMultiply(gate: gate + start, up: up + start, count: end - start)
            case .geluTanh: VectorMath.geluTanhMultiply(gate: gate + start, up: up + start, count: end - start)
            case .clampedSwiGLU:
                VectorMath.clampedSwiGLUMultiply(gate: gate + start, up: up + start, count: end - start,
                                                 alpha: FeedForwardSpec.Activation.clampedSwiGLUAlpha,
                                                 limit: FeedForwardSpec.Activation.clampedSwiGLULimit)
            }
        }
    }

    /// Copies rows `indices` of `source` (row width `width`) into consecutive rows of `destination`.
    func gather(_ source: UnsafePointer<Float>, width: Int, indices: UnsafePointer<Int32>, count: Int,
                into destination: UnsafeMutablePointer<Float>) {
        Parallel.forEachRange(count: count, threads: threads, grain: 32) { range in
            for row in range {
                (destination + row * width).update(from: source + Int(indices[row]) * width, count: width)
            }
        }
    }
}
