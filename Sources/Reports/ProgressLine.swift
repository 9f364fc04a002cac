import Foundation

/// A one-line progress report for long runs, rewritten in place on a terminal:
/// `chunk 3/19 · 1,536 tokens · 412.3 tokens/s · ETA 0:21`.
public struct ProgressLine {
    private let total: Int
    private let unit: String
    private let tokensPerUnit: Int
    private let start = Date()

    /// - Parameters:
    ///   - total: units (chunks) in the run.
    ///   - tokensPerUnit: tokens each unit evaluates, for the rate.
    public init(total: Int, unit: String = "chunk", tokensPerUnit: Int) {
        self.total = total
        self.unit = unit
        self.tokensPerUnit = tokensPerUnit
    }

    /// Seconds since the line was created.
    public var elapsed: Double { Date().timeIntervalSince(start) }

    /// The line after `done` units (no newline; starts with a carriage return).
    public func text(done: Int) -> String {
        let seconds = max(elapsed, 1e-9)
        let rate = Double(done * tokensPerUnit) / seconds
        let remaining = done > 0 ? seconds / Double(done) * Double(total - done) : 0
        return "\r\(unit) \(done)/\(total) · \(Formatting.grouped(done * tokensPerUnit)) tokens · "
            + "\(Formatting.fixed(rate, 1)) tokens/s · ETA \(Self.clock(remaining))"
    }

    /// `m:ss` or `h:mm:ss`.
    static func clock(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        let (hours, minutes, secs) = (whole / 3600, whole / 60 % 60, whole % 60)
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, secs) : String(format: "%d:%02d", minutes, secs)
    }
}
