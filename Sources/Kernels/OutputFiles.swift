import Foundation

/// Checks a command makes on the files it will write before it starts any work: no output may
/// be one of its inputs (the same device and inode, however the path is spelled: `./m.gguf`, a
/// hard link, a symbolic link), and the temporaries an earlier save of the same output left
/// beside it when it was killed (``AtomicFile``'s `.NAME.tmp-XXXXXX`) are removed.
public enum OutputFiles {
    /// An output that is also an input.
    public struct Conflict: Error, CustomStringConvertible, Sendable {
        public let output: String
        public let input: String
        public var description: String {
            output == input
                ? "\(output): the output is also an input; refusing to overwrite it"
                : "\(output): the output is the same file as the input \(input); refusing to overwrite it"
        }
    }

    /// Throws when an existing output is the same file as an existing input.
    public static func refuseInputs(outputs: [String], inputs: [String]) throws(Conflict) {
        let inputIdentities = inputs.compactMap { path in identity(of: path).map { (path, $0) } }
        for output in outputs {
            guard let outputIdentity = identity(of: output) else { continue }
            if let (input, _) = inputIdentities.first(where: { $0.1 == outputIdentity }) {
                throw Conflict(output: output, input: input)
            }
        }
    }

    /// Removes the stale temporaries of `output` (hidden `.NAME.tmp-` files beside it that an
    /// interrupted save left) and returns their paths.
    @discardableResult
    public static func removeStaleTemporaries(of output: String) -> [String] {
        let target = AtomicFile.destination(of: output)
        let directory = PathComponents.directory(of: target)
        let prefix = ".\(PathComponents.name(of: target)).tmp-"
        let folder = directory.isEmpty ? "." : directory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(prefix) && name.utf8.count == prefix.utf8.count + 6 {
            let path = directory.isEmpty ? name : directory + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, unlink(path) == 0 else { continue }
            removed.append(path)
        }
        return removed.sorted()
    }

    /// Device and inode of the file at `path` (links followed), or nil when there is none.
    static func identity(of path: String) -> [UInt64]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }
}
