import Foundation

/// Writes files so that readers never see a partial result: the bytes go to a temporary file
/// in the same directory, which is then renamed over the destination. Only a regular file is
/// ever replaced: an existing output that is a device, FIFO or socket (`-o /dev/null`) is
/// written in place, and a symbolic link is followed, so the file it points to is replaced and
/// the link stays.
public enum AtomicFile {
    /// An I/O failure, with the path and the system's reason.
    public struct WriteError: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let reason: String
        public var description: String { "\(path): cannot write: \(reason)" }

        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    /// Writes `bytes` to `path` atomically (temporary file, then rename).
    public static func write(_ bytes: [UInt8], to path: String) throws(WriteError) {
        try write(to: path) { (descriptor) throws(WriteError) in
            var failure: WriteError?
            bytes.withUnsafeBytes { raw in
                do throws(WriteError) { try writeAll(raw, to: descriptor, path: path) } catch { failure = error }
            }
            if let failure { throw failure }
        }
    }

    /// Creates a temporary file next to `path`, lets `body` fill it through a file descriptor,
    /// flushes it and renames it to `path`. On any failure the temporary file is removed and
    /// `path` is left as it was.
    public static func write(to path: String, _ body: (Int32) throws(WriteError) -> Void) throws(WriteError) {
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            try writeInPlace(to: path, body)
            return
        }
        try replace(destination(of: path), reportedAs: path, body)
    }

    /// The file a write to `path` replaces: `path`, or what a symbolic link at `path` points to.
    public static func destination(of path: String) -> String {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK, let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Writes into an existing file that is not a regular file (a device, a FIFO), without rename.
    private static func writeInPlace(to path: String, _ body: (Int32) throws(WriteError) -> Void) throws(WriteError) {
        let descriptor = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard descriptor >= 0 else { throw WriteError(path: path, reason: systemReason()) }
        defer { close(descriptor) }
        try body(descriptor)
    }

    private static func replace(_ target: String, reportedAs path: String,
                                _ body: (Int32) throws(WriteError) -> Void) throws(WriteError) {
        let directory = PathComponents.directory(of: target)
        let name = PathComponents.name(of: target)
        var template = Array(((directory.isEmpty ? "." : directory) + "/.\(name).tmp-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw WriteError(path: path, reason: systemReason()) }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var finished = false
        defer {
            if !finished {
                close(descriptor)
                unlink(temporary)
            }
        }
        try body(descriptor)
        guard fsync(descriptor) == 0 else { throw WriteError(path: path, reason: systemReason()) }
        fchmod(descriptor, 0o644)
        close(descriptor)
        finished = true
        guard rename(temporary, target) == 0 else {
            let reason = systemReason()
            unlink(temporary)
            throw WriteError(path: path, reason: reason)
        }
    }

    /// Writes every byte of `bytes` to `descriptor`, retrying short writes.
    public static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, path: String) throws(WriteError) {
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw WriteError(path: path, reason: systemReason())
            }
            offset += written
        }
    }

    private static func systemReason() -> String { String(cString: strerror(errno)) }
}
