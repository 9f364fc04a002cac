import Foundation

/// A fresh directory under the system's temporary folder, removed when released.
public final class TemporaryDirectory {
    /// The directory's path.
    public let path: String

    public init() throws {
        path = NSTemporaryDirectory() + "imx-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the directory.
    public func file(_ name: String) -> String { path + "/" + name }

    /// The names of the entries in the directory.
    public func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path) }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
