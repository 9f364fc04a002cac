import Foundation
import Kernels

extension ScaleSearch {
    /// α = 0, 0.05, …, 1 (21 points).
    public static let alphaGrid: [Double] = (0...20).map { Double($0) / 20 }
    /// An α is only preferred over a smaller one when its error is lower by more than this
    /// fraction. Rescaling changes which way each weight rounds, so even with inputs of equal
    /// power the error moves by about ±1% from α to α; smaller gains are rounding noise, and
    /// plain round-to-nearest (the smaller α) is kept.
    public static let tieTolerance = 0.02
    /// Scales below this (before normalisation) are raised to it, so dead channels stay finite.
    public static let smallestScale = 1e-4

    /// Squared output errors of AWQ-style scaling for one matrix (an expert) on `probe`'s rows.
    public struct Sums: Sendable {
        /// ‖(W − Ŵ_α)Xᵀ‖² per α of ``alphaGrid``.
        public var errors: [Double]
        /// ‖WXᵀ‖².
        public var reference: Double

        public init(errors: [Double], reference: Double) {
            self.errors = errors
            self.reference = reference
        }

        /// Adds another matrix's sums (experts of one tensor).
        public mutating func add(_ other: Sums) {
            for index in errors.indices { errors[index] += other.errors[index] }
            reference += other.reference
        }
    }

    /// For each α: scales s = max(mean|x|, 10⁻⁴)^α / sqrt(max·min), Ŵ = round(W·diag(s))·diag(1/s)
    /// with `rounding`, and ‖(W − Ŵ)Xᵀ‖². The α values run in parallel, one sgemm each.
    public static func sums(weights: UnsafePointer<Float>, rowCount: Int, meanAbs: [Double], probe: OutputErrorProbe,
                            rounding: GroupRounding, threads: Int = Parallel.processorCount) -> Sums {
        let columns = probe.columns
        precondition(meanAbs.count == columns)
        let size = rowCount * columns
        let workers = max(1, min(threads, alphaGrid.count))
        var scratch = [Float](repeating: 0, count: workers * (size + probe.count * rowCount))
        var errors = [Double](repeating: 0, count: alphaGrid.count)
        let base = meanAbs.map { max($0, smallestScale) }
        scratch.withUnsafeMutableBufferPointer { scratch in
            errors.withUnsafeMutableBufferPointer { errors in
                let scratch = scratch.baseAddress!, errors = errors.baseAddress!
                Parallel.forEachRangeWithWorker(count: alphaGrid.count, threads: workers) { worker, range in
                    let scaled = scratch + worker * (size + probe.count * rowCount)
                    let output = scaled + size
                    for index in range {
                        let alpha = alphaGrid[index]
                        var scales = base.map { Float(pow($0, alpha)) }
                        let normaliser = (scales.max()! * scales.min()!).squareRoot()
                        for j in 0..<columns { scales[j] /= normaliser }
                        for row in 0..<rowCount {
                            let source = weights + row &* columns, target = scaled + row &* columns
                            for j in 0..<columns { target[j] = source[j] * scales[j] }
                        }
                        rounding.apply(scaled, rowCount: rowCount, rowLength: columns, into: scaled, threads: 1)
                        // Now the difference W − Ŵ in place.
                        for row in 0..<rowCount {
                            let source = weights + row &* columns, target = scaled + row &* columns
                            for j in 0..<columns { target[j] = source[j] - target[j] / scales[j] }
                        }
                        errors[index] = probe.squaredNorm(of: scaled, rowCount: rowCount, output: output)
                    }
                }
            }
        }
        var output = [Float](repeating: 0, count: probe.count * rowCount)
        let reference = output.withUnsafeMutableBufferPointer {
            probe.squaredNorm(of: weights, rowCount: rowCount, output: $0.baseAddress!)
        }
        return Sums(errors: errors, reference: reference)
    }

    /// The search's result from the (expert-summed) `sums`.
    public static func result(bits: Int, sums: Sums) -> ScaleSearch {
        let relative = sums.errors.map { sums.reference > 0 ? ($0 / sums.reference).squareRoot() : 0 }
        var best = 0
        for index in relative.indices.dropFirst() where relative[index] < relative[best] * (1 - tieTolerance) {
            best = index
        }
        return ScaleSearch(bits: bits, alphas: alphaGrid, errors: relative, bestAlpha: alphaGrid[best],
                           plainError: relative[0], bestError: relative[best],
                           reduction: relative[best] > 0 ? relative[0] / relative[best] : 1)
    }
}
