import Foundation
import Kernels

/// `results.jsonl`: one ``SweepRecord`` per line, appended and flushed as each grid point
/// finishes, so a killed sweep loses at most the point it was working on. A torn last line
/// (killed mid-write) is ignored on reading and cut off before the next append.
public enum SweepResultsFile {
    /// The records of `path` (none when it does not exist) and the byte length of its whole lines.
    public static func read(path: String) throws(SweepConfigError) -> (records: [SweepRecord], validLength: Int) {
        guard let data = FileManager.default.contents(atPath: path) else { return ([], 0) }
        var records: [SweepRecord] = []
        var start = data.startIndex, line = 0
        let decoder = JSONDecoder()
        while let end = data[start...].firstIndex(of: UInt8(ascii: "\n")) {
            line += 1
            let bytes = data[start..<end]
            start = data.index(after: end)
            if bytes.allSatisfy({ $0 == 32 }) { continue }
            do { records.append(try decoder.decode(SweepRecord.self, from: bytes)) } catch {
                throw SweepConfigError(file: path, path: "line \(line)", message: "not a sweep record (\(error))", cause: error)
            }
        }
        return (records, start - data.startIndex)
    }

    /// Cuts `path` back to `length` bytes (dropping a torn last line).
    public static func truncate(path: String, to length: Int) throws(AtomicFile.WriteError) {
        guard Foundation.truncate(path, off_t(length)) == 0 else {
            throw AtomicFile.WriteError(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// Appends `record` as one line and flushes it to disk.
    public static func append(_ record: SweepRecord, to path: String) throws(AtomicFile.WriteError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var bytes: [UInt8]
        do { bytes = Array(try encoder.encode(record)) } catch {
            throw AtomicFile.WriteError(path: path, reason: "cannot encode the record: \(error)")
        }
        bytes.append(UInt8(ascii: "\n"))
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard descriptor >= 0 else { throw AtomicFile.WriteError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let failure = bytes.withUnsafeBytes { buffer -> AtomicFile.WriteError? in
            do throws(AtomicFile.WriteError) { try AtomicFile.writeAll(buffer, to: descriptor, path: path) } catch { return error }
            return nil
        }
        if let failure { throw failure }
        guard fsync(descriptor) == 0 else { throw AtomicFile.WriteError(path: path, reason: String(cString: strerror(errno))) }
    }
}
