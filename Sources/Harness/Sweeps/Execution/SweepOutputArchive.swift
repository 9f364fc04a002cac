import Foundation
import Kernels

/// `imx sweep --restart`: the earlier results of an output folder are moved, never deleted,
/// into `OUTPUT/replaced/YYYYMMDD-HHMMSS/` before the sweep starts over. The cache stays: its
/// files carry the fingerprint they were made for and are recomputed only when it changed.
enum SweepOutputArchive {
    /// The files of a finished or partial run that a restart replaces (the results file is
    /// given separately: it may be a shard's).
    static let reportFiles = ["report.md", "summary.csv", "experts.csv", "sweep.json", "plots"]

    /// Moves `resultsPath` and the report files present in `output` into a new folder under
    /// `output/replaced/`, and returns that folder.
    static func moveAside(output: String, resultsPath: String, now: Date = Date()) throws(SweepConfigError) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let manager = FileManager.default
        var folder = output + "/replaced/" + formatter.string(from: now)
        var suffix = 1
        while manager.fileExists(atPath: folder) {
            suffix += 1
            folder = output + "/replaced/" + formatter.string(from: now) + "-\(suffix)"
        }
        do { try manager.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw SweepConfigError(file: folder, path: "--restart", message: "cannot create the folder for the earlier results (\(error.localizedDescription))", cause: error)
        }
        let moved = [resultsPath] + reportFiles.map { output + "/" + $0 }
        for path in moved where manager.fileExists(atPath: path) {
            let target = folder + "/" + PathComponents.name(of: path)
            do { try manager.moveItem(atPath: path, toPath: target) } catch {
                throw SweepConfigError(file: path, path: "--restart", message: "cannot move it to \(target) (\(error.localizedDescription))", cause: error)
            }
        }
        return folder
    }
}
