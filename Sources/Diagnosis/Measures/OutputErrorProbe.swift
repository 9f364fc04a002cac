import Kernels

/// Output error of a weight matrix's reconstruction on sampled input rows X (`count × columns`):
/// ‖(W − Ŵ)Xᵀ‖² against ‖WXᵀ‖², through single-threaded sgemm (callers run several probes at
/// once, one per worker).
public struct OutputErrorProbe: Sendable {
    public let inputs: [Float]
    public let count: Int
    public let columns: Int

    public init(inputs: [Float], columns: Int) {
        precondition(columns > 0 && inputs.count % columns == 0)
        self.inputs = inputs
        self.columns = columns
        count = inputs.count / columns
    }

    /// ‖X Mᵀ‖² for `M` of `rowCount × columns`; `output` needs `count × rowCount` floats.
    public func squaredNorm(of matrix: UnsafePointer<Float>, rowCount: Int, output: UnsafeMutablePointer<Float>) -> Double {
        guard count > 0, rowCount > 0 else { return 0 }
        inputs.withUnsafeBufferPointer { x in
            BLAS.linear(input: x.baseAddress!, weight: matrix, output: output, rows: count, inFeatures: columns,
                        outFeatures: rowCount)
        }
        var total = 0.0
        for index in 0..<(count &* rowCount) {
            let value = Double(output[index])
            total += value * value
        }
        return total
    }

    /// ‖(W − Ŵ)Xᵀ‖² and ‖WXᵀ‖², allocating its own scratch.
    public func errorSums(weights: UnsafePointer<Float>, reconstruction: UnsafePointer<Float>, rowCount: Int) -> (error: Double, reference: Double) {
        let size = rowCount * columns
        var difference = [Float](repeating: 0, count: size)
        var output = [Float](repeating: 0, count: count * rowCount)
        return difference.withUnsafeMutableBufferPointer { d in
            output.withUnsafeMutableBufferPointer { o in
                for index in 0..<size { d[index] = weights[index] - reconstruction[index] }
                let error = squaredNorm(of: d.baseAddress!, rowCount: rowCount, output: o.baseAddress!)
                let reference = squaredNorm(of: weights, rowCount: rowCount, output: o.baseAddress!)
                return (error, reference)
            }
        }
    }
}
