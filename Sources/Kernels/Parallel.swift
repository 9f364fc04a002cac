import Dispatch
import Foundation

/// Data-parallel loops over index ranges on the CPU cores.
///
/// The loops split `0..<count` into contiguous chunks, one per worker, and run them with
/// `DispatchQueue.concurrentPerform`. They are meant for kernels (dequantization, accumulation,
/// element-wise passes), not for orchestration.
public enum Parallel {
    /// The number of cores this process may use.
    public static var processorCount: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// Runs `body` on contiguous, disjoint sub-ranges that together cover `0..<count`.
    ///
    /// At most `threads` ranges run at once; each range has at least `grain` indices (except
    /// when `count` itself is smaller), so tiny jobs stay on the calling thread.
    ///
    /// - Important: `body` runs concurrently with itself. It must only write memory that belongs
    ///   to the range it was given (or synchronise otherwise). This is the contract that makes
    ///   capturing unsafe pointers in `body` sound, which is why `body` need not be `@Sendable`.
    public static func forEachRange(
        count: Int, threads: Int = processorCount, grain: Int = 1,
        _ body: (Range<Int>) -> Void
    ) {
        let workers = min(max(1, threads), max(1, count / max(1, grain)))
        forEachRangeWithWorker(count: count, threads: workers) { _, range in body(range) }
    }

    /// Like ``forEachRange(count:threads:grain:_:)``, and also passes the worker's number
    /// (`0..<threads`), so a worker can use its own scratch memory.
    public static func forEachRangeWithWorker(
        count: Int, threads: Int = processorCount, _ body: (_ worker: Int, _ range: Range<Int>) -> Void
    ) {
        guard count > 0 else { return }
        let workers = min(max(1, threads), count)
        if workers == 1 {
            body(0, 0..<count)
            return
        }
        let base = count / workers
        let extra = count % workers
        withoutActuallyEscaping(body) { escapable in
            // Safe by the same contract as forEachRange: disjoint ranges, one worker number each.
            nonisolated(unsafe) let work = escapable
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                // The first `extra` workers take one index more.
                let start = worker * base + min(worker, extra)
                let end = start + base + (worker < extra ? 1 : 0)
                work(worker, start..<end)
            }
        }
    }
}
