import Foundation

/// The limits on a thread count given on the command line: at least 1, at most
/// ``maximumThreads``, and no more than the machine's memory can give each thread its stack and
/// scratch buffers (``bytesPerThread``), checked before anything is allocated.
public enum ThreadBudget {
    /// The largest thread count accepted.
    public static let maximumThreads = 4096
    /// Memory each worker thread may need: its stack and its share of the forward pass's
    /// per-thread scratch (attention scores of 128 queries over a long context).
    public static let bytesPerThread = 16 << 20

    /// Why `threads` cannot be used on a machine with `physicalMemory` bytes (a phrase to follow
    /// the option's name, e.g. `must be at least 1, got 0`), or nil.
    public static func problem(threads: Int, physicalMemory: UInt64 = ProcessInfo.processInfo.physicalMemory) -> String? {
        guard threads >= 1 else { return "must be at least 1, got \(threads)" }
        guard threads <= maximumThreads else { return "must be at most \(maximumThreads), got \(threads)" }
        let needed = UInt64(threads) * UInt64(bytesPerThread)
        guard needed <= physicalMemory else {
            return String(format: "%d threads need about %.1f GiB for their stacks and buffers; this machine has %.1f GiB",
                          threads, Double(needed) / 1_073_741_824, Double(physicalMemory) / 1_073_741_824)
        }
        return nil
    }
}
