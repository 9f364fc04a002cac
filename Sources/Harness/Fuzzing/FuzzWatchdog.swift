import Foundation
import Synchronization

/// Catches a hang: a thread that looks, every tenth of a second, whether the driver's execution
/// count moved; when one execution has run longer than the timeout it saves the input as
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

    private func watch() {
        var last = executions.load(ordering: .relaxed)
        var since = Date()
        while true {
            usleep(100_000)
            let now = executions.load(ordering: .relaxed)
            if now != last {
                last = now
                since = Date()
            } else if Date().timeIntervalSince(since) > timeout {
                CrashCapture.saveAndExit(kind: "hang", status: CrashCapture.hangStatus)
            }
        }
    }
}
