import GGUF
import Kernels
import Quantization

/// Measures quantization throughput (rows/s) per type, without and with importance, on
/// pseudo-normal rows with a fixed seed.
public enum QuantizationBenchmark {
    /// One measured (type, importance) pair.
    public struct Result: Codable, Sendable {
        public var type: String
        public var importance: Bool
        public var rows: Int
        public var rowLength: Int
        public var threads: Int
        /// Best time of one pass over all rows, in seconds.
        public var seconds: Double
        public var rowsPerSecond: Double
        public var megaElementsPerSecond: Double
        /// ggml's rows/s for the same shape, when a measurement is known (none is bundled).
        public var ggmlRowsPerSecond: Double?
    }

    /// Quantizes `rows × rowLength` values to each type, `repetitions` times after a warm-up,
    /// without (where ggml allows it) and with an importance vector, and reports the best pass of each.
    public static func run(types: [GGMLType], rows: Int, rowLength: Int, threads: Int, repetitions: Int) -> [Result] {
        let (x, importance) = syntheticRows(rows: rows, rowLength: rowLength)
        var results: [Result] = []
        for type in types where RowQuantizer.supports(type) && rowLength % type.blockSize == 0 {
            var output = [UInt8](repeating: 0, count: RowQuantizer.byteCount(type, rowCount: rows, rowLength: rowLength))
            // ggml quantizes IQ2_XXS, IQ2_XS and IQ1_S only with importance.
            for useImportance in [false, true] where useImportance || !RowQuantizer.typesNeedingImportance.contains(type) {
                let seconds = x.withUnsafeBufferPointer { source in
                    importance.withUnsafeBufferPointer { qw in
                        output.withUnsafeMutableBytes { destination in
                            BenchmarkTiming.best(of: repetitions) {
                                try? RowQuantizer.quantize(type, rows: source.baseAddress!, rowCount: rows, rowLength: rowLength,
                                                           importance: useImportance ? qw : nil,
                                                           into: destination.baseAddress!, threads: threads)
                            }
                        }
                    }
                }
                results.append(Result(type: type.name, importance: useImportance, rows: rows, rowLength: rowLength,
                                      threads: threads, seconds: seconds, rowsPerSecond: Double(rows) / seconds,
                                      megaElementsPerSecond: Double(rows * rowLength) / seconds / 1e6, ggmlRowsPerSecond: nil))
            }
        }
        return results
    }

    /// Irwin–Hall(4) pseudo-normal weights (σ ≈ 0.02, every 61st ×8) and importance m² with
    /// m ∈ [0.25, 4.25), from a 32-bit LCG.
    static func syntheticRows(rows: Int, rowLength: Int) -> (x: [Float], importance: [Float]) {
        var state: UInt32 = 0x5EED
        func uniform() -> Float {
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / 16_777_216
        }
        var x = [Float](repeating: 0, count: rows * rowLength)
        for i in x.indices {
            let sum = uniform() + uniform() + uniform() + uniform() - 2
            x[i] = sum * 0.02 * (i % 61 == 7 ? 8 : 1)
        }
        let importance = (0..<rowLength).map { _ in
            let m = 0.25 + 4 * uniform()
            return m * m
        }
        return (x, importance)
    }
}
