import Foundation

/// Verdicts of ``BLASCoreVerification`` per CPU, library build and core, kept in
/// `$XDG_CACHE_HOME/imatrix-lab/blas-cores.tsv` (else `~/.cache/imatrix-lab/`), so the child
/// process runs once per machine and library rather than at every start. A cache that cannot be
/// read or written only costs the verification again.
enum BLASCoreCache {
    /// What a verdict depends on.
    struct Key: Equatable {
        var cpu: String
        var library: String
        var core: String

        init(cpu: CPUFeatures, library: String, core: String) {
            self.cpu = "\(cpu.vendor) \(cpu.brand) family \(cpu.family) model \(cpu.model) stepping \(cpu.stepping) \(cpu.level)"
            self.library = library
            self.core = core
        }

        /// The key as the file's first three columns (no tabs or newlines inside).
        var fields: [String] { [cpu, library, core].map(BLASCoreCache.clean) }
    }

    static func clean(_ text: String) -> String {
        text.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")
    }

    /// The cache file, or nil without a home or cache folder.
    static var path: String? {
        let environment = ProcessInfo.processInfo.environment
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") { return cache + "/imatrix-lab/blas-cores.tsv" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.cache/imatrix-lab/blas-cores.tsv" }
        return nil
    }

    /// The recorded verdict for `key`: `.some(nil)` verified, `.some(reason)` rejected, nil unknown.
    static func lookup(_ key: Key) -> String?? {
        guard let path, let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4, Array(fields.prefix(3)) == key.fields else { continue }
            return fields[3] == "verified" ? .some(nil) : .some(fields[3])
        }
        return nil
    }

    /// Records `verdict` (nil: verified) for `key`, replacing an earlier line for the same key.
    static func store(_ key: Key, verdict: String?) {
        guard let path else { return }
        var lines = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        lines.removeAll { Array($0.split(separator: "\t", omittingEmptySubsequences: false).prefix(3).map(String.init)) == key.fields }
        lines.append((key.fields + [verdict.map(clean) ?? "verified"]).joined(separator: "\t"))
        try? FileManager.default.createDirectory(atPath: PathComponents.directory(of: path), withIntermediateDirectories: true)
        try? AtomicFile.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: path)
    }
}
