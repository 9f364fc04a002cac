import Foundation
import Kernels

/// Writes report files (SVG, HTML) atomically, with one-line errors naming the path.
public enum ReportFile {
    /// A report that could not be written: `PATH: output: cannot write: REASON`.
    public struct WriteError: LocatedError, Sendable {
        /// The path, the field `output`, `cannot write: REASON` and the cause (``LocatedError``).
        public var located: LocatedMessage
        /// The report's path: the located error's file.
        public var path: String { located.file }

        public init(path: String, reason: String, cause: (any Error)? = nil) {
            located = LocatedMessage(file: path, field: "output", message: "cannot write: \(reason)", cause: cause)
        }

        /// `PATH: output: cannot write: REASON` as given (``LocatedMessage/verbatim``): `imx` escapes the whole line.
        public var description: String { located.verbatim }
    }

    /// Writes `text` as UTF-8 to `path` (temporary file, then rename).
    public static func write(_ text: String, to path: String) throws(WriteError) {
        do { try AtomicFile.write(Array(text.utf8), to: path) } catch { throw WriteError(path: path, reason: error.reason, cause: error) }
    }

    /// Creates `directory` (and its parents) if it does not exist.
    public static func makeDirectory(_ directory: String) throws(WriteError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw WriteError(path: directory, reason: "exists and is not a directory") }
            return
        }
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw WriteError(path: directory, reason: "cannot create the directory (\(error.localizedDescription))", cause: error)
        }
    }
}
