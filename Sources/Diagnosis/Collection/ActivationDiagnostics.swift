import Foundation
import Kernels
import Model

/// The opt-in observer behind `imx diagnose`: for every weight product whose tensor name
/// matches a pattern it keeps ``ColumnMoments`` per matrix (expert) and, optionally, a
/// ``RowReservoir`` of input rows per tensor. It runs in the same forward pass as an
/// ``ImatrixAccumulator`` (see ``ObserverFanOut``).
public final class ActivationDiagnostics: ActivationObserver {
    /// One tensor's collected data.
    public struct Tensor: Sendable {
        public let name: String
        public let columns: Int
        /// One per expert (one for a dense matrix).
        public internal(set) var moments: [ColumnMoments]
        public internal(set) var sample: RowReservoir
        /// Σx² and value count over all experts: the running σ behind the outlier thresholds.
        var totalSquares = 0.0
        var totalValues = 0.0

        /// The experts' moments added together.
        public var pooled: ColumnMoments {
            var result = ColumnMoments(columns: columns)
            for matrix in moments { result.merge(matrix) }
            return result
        }
    }

    public let pattern: NSRegularExpression
    public let sampleRows: Int
    public let threads: Int
    public private(set) var tensors: [String: Tensor] = [:]
    /// Whether each tensor name seen matches ``pattern``.
    private var matches: [String: Bool] = [:]

    public init(pattern: NSRegularExpression, sampleRows: Int, threads: Int = Parallel.processorCount) {
        self.pattern = pattern
        self.sampleRows = sampleRows
        self.threads = threads
    }

    /// Whether `name` matches the pattern.
    public func collects(_ name: String) -> Bool {
        if let known = matches[name] { return known }
        let found = pattern.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
        matches[name] = found
        return found
    }

    public func observe(_ activation: ObservedActivation) {
        let name = activation.tensorName
        guard activation.rows > 0, collects(name) else { return }
        let columns = activation.columns
        let experts = activation.expert?.expertCount ?? 1
        let matrix = activation.expert?.expert ?? 0
        var tensor = tensors.removeValue(forKey: name) ?? Tensor(
            name: name, columns: columns, moments: Array(repeating: ColumnMoments(columns: columns), count: experts),
            sample: RowReservoir(capacity: sampleRows, columns: columns, seed: Self.seed(for: name)))
        defer { tensors[name] = tensor }
        guard tensor.columns == columns, tensor.moments.count == experts else { return }
        var batchSquares = 0.0
        let count = activation.rows * columns
        for index in 0..<count {
            let x = Double(activation.input[index])
            batchSquares += x * x
        }
        tensor.totalSquares += batchSquares
        tensor.totalValues += Double(count)
        let sigma = (tensor.totalSquares / tensor.totalValues).squareRoot()
        tensor.moments[matrix].add(activation.input, rows: activation.rows, sigma: sigma, threads: threads)
        tensor.sample.offer(activation.input, rows: activation.rows, expert: matrix)
    }

    /// FNV-1a of the tensor's block and input name: tensors reading the same input share a seed.
    static func seed(for tensorName: String) -> UInt64 {
        let input = ProductInput.name(forTensor: tensorName)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(input.block ?? -1)/\(input.input)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return hash
    }
}
