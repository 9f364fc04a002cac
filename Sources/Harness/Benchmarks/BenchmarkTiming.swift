import Dispatch

/// Wall-clock timing shared by the benchmarks.
enum BenchmarkTiming {
    /// The best wall time in seconds of `repetitions` runs of `body`, after one untimed warm-up run.
    static func best(of repetitions: Int, _ body: () -> Void) -> Double {
        body()
        var best = Double.infinity
        for _ in 0..<max(1, repetitions) {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }
}
