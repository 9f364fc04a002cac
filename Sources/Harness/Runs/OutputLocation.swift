import Foundation
import Kernels

/// Checks before a long computation that its output can be written at all.
public enum OutputLocation {
    /// A path whose directory is missing or not writable.
    public struct NotWritable: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let reason: String
        public var description: String { "\(path): output: \(reason)" }
    }

    /// - Throws: ``NotWritable`` when `path` is a directory, or its directory is missing or not writable.
    public static func checkWritable(_ path: String) throws(NotWritable) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw NotWritable(path: path, reason: "is a directory")
        }
        let directory = PathComponents.directory(of: path)
        let folder = directory.isEmpty ? "." : directory
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw NotWritable(path: path, reason: "the directory \(folder) does not exist")
        }
        guard access(folder, W_OK) == 0 else {
            throw NotWritable(path: path, reason: "the directory \(folder) is not writable")
        }
    }
}
