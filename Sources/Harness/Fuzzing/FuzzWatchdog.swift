import Foundation
import Synchronization

/// Catches a hang: a thread that looks, every tenth of a second, whether the driver's execution
/// count moved; when one execution has used more than the timeout in CPU time (ten times it in
/// wall time) it saves the input as
/// `hang-TARGET-HASH` and exits (``CrashCapture/hangStatus``).
public final class FuzzWatchdog: Sendable {
    private let executions = Atomic<Int>(0)
    private let timeout: Double

    /// - Parameter timeout: seconds one execution may take.
    public init(timeout: Double) {
        self.timeout = timeout
    }

    /// Starts watching (a detached thread that lives as long as the process).
    public func start() {
        let thread = Thread { [self] in watch() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Records that `count` executions have started.
    @inline(__always)
    public func tick(_ count: Int) { executions.store(count, ordering: .relaxed) }

    /// Records that the current execution has ended: the driver's own work until the next
    /// ``tick(_:)`` (outcome, corpus, the next mutation) is not timed.
    @inline(__always)
    public func idle() { executions.store(-1, ordering: .relaxed) }

    /// Seconds of CPU time the process has used: a worker that is only waiting for a core (a
    /// busy machine) does not advance it, so it is not taken for a hang.
    private static func processSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    private func watch() {
        var last = executions.load(ordering: .relaxed)
        var since = Date(), cpuSince = Self.processSeconds()
        while true {
            usleep(100_000)
            let now = executions.load(ordering: .relaxed)
            if now != last || now < 0 {
                last = now
                since = Date()
                cpuSince = Self.processSeconds()
            } else if Self.processSeconds() - cpuSince > timeout || Date().timeIntervalSince(since) > 10 * timeout {
                // One execution used more than the timeout in CPU time (or ten times it in wall
                // time, for an execution that blocks).
                CrashCapture.saveAndExit(kind: "hang", status: CrashCapture.hangStatus)
            }
        }
    }
}
