import Foundation
import Kernels

/// Writes report files (SVG, HTML) atomically, with one-line errors naming the path.
public enum ReportFile {
    /// A report that could not be written: `PATH: output: cannot write: REASON`.
    public struct WriteError: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let reason: String
        public var description: String { "\(path): output: cannot write: \(reason)" }
    }

    /// Writes `text` as UTF-8 to `path` (temporary file, then rename).
    public static func write(_ text: String, to path: String) throws(WriteError) {
        do { try AtomicFile.write(Array(text.utf8), to: path) } catch { throw WriteError(path: path, reason: error.reason) }
    }

    /// Creates `directory` (and its parents) if it does not exist.
    public static func makeDirectory(_ directory: String) throws(WriteError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw WriteError(path: directory, reason: "exists and is not a directory") }
            return
        }
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw WriteError(path: directory, reason: "cannot create the directory (\(error.localizedDescription))")
        }
    }
}
