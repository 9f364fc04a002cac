import Dispatch

/// Wall-clock timing for the benchmarks: one warm-up run, then the best of several.
public enum BenchmarkClock {
    /// Runs `body` once to warm up, then `repetitions` times; the fastest run in seconds.
    public static func bestTime(_ repetitions: Int, _ body: () -> Void) -> Double {
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
