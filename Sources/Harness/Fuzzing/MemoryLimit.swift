import Foundation

/// Caps the process's address space (`RLIMIT_AS`) at what it uses now plus a budget, so an
/// input that makes a reader allocate gigabytes fails inside that allocation — a crash the
/// supervisor reports as a memory finding — instead of swapping the machine.
public enum MemoryLimit {
    /// Sets the limit to the current virtual size plus `budget` bytes.
    public static func apply(budget: Int) {
        let current = virtualBytes()
        let limit = rlim_t(current + budget)
        var value = rlimit(rlim_cur: limit, rlim_max: limit)
        setrlimit(Int32(RLIMIT_AS.rawValue), &value)
    }

    /// The process's virtual size, from `/proc/self/statm` (0 when unreadable).
    static func virtualBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let first = text.split(separator: " ").first, let pages = Int(first) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
