import GGUF
import Kernels

/// Measures dequantization throughput (GB/s of float32 output) per tensor type, on synthetic
/// blocks or on a real model's tensors.
public enum DequantizationBenchmark {
    /// One measured type.
    public struct Result: Codable, Sendable {
        public var type: String
        /// `synthetic` or the number of model tensors measured.
        public var source: String
        public var elements: Int
        public var threads: Int
        /// Best time of one pass over all elements, in seconds.
        public var seconds: Double
        /// Output float32 bytes per second, in GB/s (10⁹ bytes).
        public var gigabytesPerSecond: Double
        /// Input elements per second, in millions.
        public var megaElementsPerSecond: Double
    }

    /// Dequantizes `elements` values of each type from pseudo-random blocks (fixed seed) with
    /// sane scales, `repetitions` times after one warm-up pass, and reports the best pass.
    public static func synthetic(types: [GGMLType], elements: Int, threads: Int, repetitions: Int) -> [Result] {
        var results: [Result] = []
        for type in types where Dequantizer.supports(type) {
            let count = max(type.blockSize, elements / type.blockSize * type.blockSize)
            let input = SyntheticBlocks.make(type, blocks: count / type.blockSize, seed: 0x5EED)
            var output = [Float](repeating: 0, count: count)
            let seconds = input.withUnsafeBytes { source in
                output.withUnsafeMutableBufferPointer { destination in
                    BenchmarkTiming.best(of: repetitions) {
                        try? Dequantizer.dequantize(type, from: source.baseAddress!, elementCount: count,
                                                    into: destination.baseAddress!, threads: threads)
                    }
                }
            }
            results.append(result(type, source: "synthetic", elements: count, threads: threads, seconds: seconds))
        }
        return results
    }

    /// Dequantizes every tensor of `file`, grouped by type, `repetitions` times after one warm-up.
    public static func model(_ file: GGUFFile, threads: Int, repetitions: Int) throws(GGUFError) -> [Result] {
        let groups = Dictionary(grouping: file.tensors, by: \.type)
        var results: [Result] = []
        for type in groups.keys.sorted(by: { $0.rawValue < $1.rawValue }) where Dequantizer.supports(type) {
            let tensors = groups[type]!
            let largest = tensors.map(\.elementCount).max() ?? 0
            var scratch = [Float](repeating: 0, count: largest)
            var failure: GGUFError?
            let seconds = scratch.withUnsafeMutableBufferPointer { buffer in
                BenchmarkTiming.best(of: repetitions) {
                    for tensor in tensors {
                        do throws(GGUFError) { try file.dequantizeRows(tensor, rows: 0..<tensor.rowCount, into: buffer, threads: threads) }
                        catch { failure = error }
                    }
                }
            }
            if let failure { throw failure }
            let elements = tensors.reduce(0) { $0 + $1.elementCount }
            results.append(result(type, source: "\(tensors.count) tensors", elements: elements, threads: threads, seconds: seconds))
        }
        return results
    }

    private static func result(_ type: GGMLType, source: String, elements: Int, threads: Int, seconds: Double) -> Result {
        Result(type: type.name, source: source, elements: elements, threads: threads, seconds: seconds,
               gigabytesPerSecond: Double(elements) * 4 / seconds / 1e9,
               megaElementsPerSecond: Double(elements) / seconds / 1e6)
    }
}
