import Dispatch
import NativeKernels

/// The float32 throughput the cores really reach (GFLOP/s), measured by running independent
/// fused multiply-adds on the widest vectors the CPU has on every thread at once — the
/// denominator of the benchmarks' "fraction of peak" (a nominal clock × FLOP/cycle figure misses
/// turbo clocks and how many FMA pipes a core has).
public enum FloatPeak {
    /// The vector width (bits) the probe uses on `cpu`.
    public static func width(for cpu: CPUFeatures) -> Int {
        switch cpu.level {
        case .avx512: 512
        case .avx2: 256
        default: 128
        }
    }

    /// The best of `repetitions` timed runs of the probe on `threads` threads (about 10 ms each).
    public static func measure(threads: Int, cpu: CPUFeatures = .current, repetitions: Int = 3) -> Double {
        let width = width(for: cpu)
        let rounds: UInt64 = 1 << 21
        var best = 0.0
        for _ in 0..<(repetitions + 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            var flop = [UInt64](repeating: 0, count: threads)
            flop.withUnsafeMutableBufferPointer { counts in
                Parallel.forEachRangeWithWorker(count: threads, threads: threads) { worker, _ in
                    var sink: Float = 0
                    counts[worker] = imx_fma_probe(Int32(width), rounds, &sink)
                }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            best = max(best, Double(flop.reduce(0, +)) / seconds / 1e9)
        }
        return best
    }
}
