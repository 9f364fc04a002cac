import Foundation

/// Runs saved inputs once each through a target, in the calling process and without crash
/// capture, so a crash shows the runtime's own report and backtrace: how a finding is
/// reproduced and diagnosed, and what its regression test checks.
public enum FuzzReplay {
    /// What one saved input did.
    public struct Result: Sendable, Equatable {
        public var file: String
        public var outcome: FuzzOutcome
        /// The reader's error, if it threw one.
        public var message: String?

        public var isClean: Bool {
            if case .unclean = outcome { return false }
            return true
        }

        /// `accepted`, `clean error: MESSAGE` or `unclean error (REASON): MESSAGE`, escaped to one line.
        public var text: String {
            let shown = message.map { $0.unicodeScalars.map { $0.escaped(asASCII: false) }.joined() } ?? ""
            switch outcome {
            case .accepted: return "accepted"
            case .clean: return "clean error: " + shown
            case .unclean(let reason, _): return "unclean error (\(reason)): " + shown
            }
        }
    }

    /// Runs each file of `files` through `target`.
    public static func run(_ target: any FuzzTarget, files: [String]) throws -> [Result] {
        defer { target.finish() }
        return try files.map { file in
            guard let data = FileManager.default.contents(atPath: file) else {
                throw FuzzSetupError(description: "\(file): --replay: cannot read the file")
            }
            return Array(data).withUnsafeBytes { bytes in
                do {
                    try target.run(bytes)
                    return Result(file: file, outcome: .accepted, message: nil)
                } catch {
                    return Result(file: file, outcome: FuzzOutcome.of(error, prefix: target.errorPrefix), message: "\(error)")
                }
            }
        }
    }
}
