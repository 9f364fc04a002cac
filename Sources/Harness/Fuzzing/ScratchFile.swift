import Foundation

/// A file in memory-backed storage (`/dev/shm`, else the temporary folder) that a target
/// rewrites with each input, for readers that only take a path. Named after the process, so
/// workers running side by side never share one.
public final class ScratchFile {
    public let path: String

    /// A scratch file `imx-fuzz-PID-NAME` (not created until the first write).
    public init(name: String) {
        var isFolder: ObjCBool = false
        let folder = FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isFolder) && isFolder.boolValue
            ? "/dev/shm" : NSTemporaryDirectory()
        path = (folder as NSString).appendingPathComponent("imx-fuzz-\(getpid())-\(name)")
    }

    /// Replaces the file's contents by `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw FuzzSetupError(description: "\(path): cannot write the scratch file") }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let n = Foundation.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
            guard n > 0 else { throw FuzzSetupError(description: "\(path): cannot write the scratch file") }
            written += n
        }
    }

    /// Deletes the file.
    public func remove() { unlink(path) }
}
