import Foundation

/// The outcome of a fuzz run of one target: executions, speed, crashes, hangs, memory
/// findings and unclean errors, with the saved inputs. Printed as text or JSON by `imx fuzz`.
public struct FuzzReport: Codable, Sendable, Equatable {
    /// One saved input that is a finding.
    public struct Finding: Codable, Sendable, Equatable {
        /// `crash`, `hang`, `memory` or `unclean`.
        public var kind: String
        /// Where the input was saved.
        public var input: String
        /// The signal, the runtime's message or the unclean error's reason.
        public var detail: String
    }

    public var target: String
    public var seed: UInt64
    public var seconds: Double
    public var executions: Int
    public var executionsPerSecond: Double
    public var crashes: Int
    public var hangs: Int
    public var memory: Int
    public var unclean: Int
    /// Unclean errors by reason.
    public var uncleanReasons: [String: Int]
    /// Worker processes started (one more after each crash, hang or memory finding).
    public var workers: Int
    /// Inputs in the last worker's corpus at its end (seeds plus new signatures).
    public var corpus: Int
    public var findings: [Finding]

    /// No crash, hang, memory finding or unclean error.
    public var isClean: Bool { crashes == 0 && hangs == 0 && memory == 0 && unclean == 0 }

    enum CodingKeys: String, CodingKey {
        case target, seed, seconds, executions
        case executionsPerSecond = "executions_per_second"
        case crashes, hangs, memory, unclean
        case uncleanReasons = "unclean_reasons"
        case workers, corpus, findings
    }

    /// The report as a few lines of text.
    public var text: String {
        var lines = [
            "target:      \(target)",
            "executions:  \(executions) in \(String(format: "%.1f", seconds)) s (\(String(format: "%.0f", executionsPerSecond)) exec/s, seed \(seed), \(workers) worker\(workers == 1 ? "" : "s"), corpus \(corpus))",
            "crashes:     \(crashes)",
            "hangs:       \(hangs)",
            "memory:      \(memory)",
            "unclean:     \(unclean)" + (uncleanReasons.isEmpty ? "" : " (" + uncleanReasons.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")"),
        ]
        for finding in findings { lines.append("finding:     \(finding.kind) \(finding.input): \(finding.detail)") }
        return lines.joined(separator: "\n")
    }
}
