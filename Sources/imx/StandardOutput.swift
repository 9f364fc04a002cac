import Kernels

/// Standard output's failures made visible: results printed into a full disk or `> /dev/full`
/// are an error with a non-zero exit, not a silent success.
enum StandardOutput {
    /// Writes out what is buffered; throws when this or any earlier write to stdout failed.
    static func flush() throws {
        if let reason = StandardOutputStream.flush() { throw CommandError("standard output: cannot write: \(reason)") }
    }
}
