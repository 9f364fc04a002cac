/// Which OpenBLAS kernel set ("core") a process should run with, decided from the CPU, the core
/// OpenBLAS picked by itself and the environment — a pure function, so every case is a unit test.
///
/// OpenBLAS (built with `DYNAMIC_ARCH`) picks its core when it loads, from the CPU model it
/// recognises; on a CPU newer than the library it falls back to an old one (a 0.3.21 on a recent
/// Xeon picks Prescott, SSE3: a quarter of the speed of its AVX-512 kernels). It reads
/// `OPENBLAS_CORETYPE` only when it loads, so another core needs a new process image.
public enum BLASCoreChoice: Equatable, Sendable {
    /// Run with the core OpenBLAS has; `note` (when not nil) is the one line that says why.
    case keep(note: String?)
    /// Try these cores in order (each verified first) and run with the first that passes;
    /// `reason` says why the running core is not used.
    case replace(candidates: [String], reason: String)

    /// `IMX_BLAS_CORE`: `auto` (default: replace an old core), `keep` (never replace), or an
    /// OpenBLAS x86-64 core name to run with (verified first).
    public static let controlVariable = "IMX_BLAS_CORE"
    /// OpenBLAS's own variable. When the user sets it, imx never overrides it.
    public static let openBLASVariable = "OPENBLAS_CORETYPE"
    /// Set by imx on the process it re-executes with a verified core, so that process knows the
    /// `OPENBLAS_CORETYPE` it finds is imx's choice, not the user's.
    public static let appliedVariable = "IMX_BLAS_CORE_APPLIED"

    /// OpenBLAS's x86-64 cores (as `openblas_get_corename()` names them and
    /// `OPENBLAS_CORETYPE` accepts them, case-insensitively) and the instruction level each needs.
    public static let coreLevels: [(name: String, level: InstructionLevel)] = [
        ("Katmai", .sse2), ("Coppermine", .sse2), ("Northwood", .sse2), ("Athlon", .sse2), ("Opteron", .sse2),
        ("Banias", .sse2), ("Prescott", .sse3), ("Opteron_SSE3", .sse3), ("Barcelona", .sse3),
        ("Atom", .ssse3), ("Core2", .ssse3), ("Nano", .ssse3), ("Bobcat", .ssse3),
        ("Penryn", .sse4_1), ("Dunnington", .sse4_1), ("Nehalem", .sse4_2),
        ("Sandybridge", .avx), ("Bulldozer", .avx), ("Piledriver", .avx), ("Steamroller", .avx),
        ("Excavator", .avx2), ("Haswell", .avx2), ("Zen", .avx2),
        ("SkylakeX", .avx512), ("Cooperlake", .avx512), ("SapphireRapids", .avx512),
    ]

    /// The core to use for each level, best first: what imx replaces an old core with.
    public static let preferredCores: [(level: InstructionLevel, name: String)] = [
        (.avx512, "SkylakeX"), (.avx2, "Haswell"), (.avx, "Sandybridge"), (.sse4_2, "Nehalem"), (.ssse3, "Core2"),
    ]

    /// The instruction level core `name` needs, or nil for a name OpenBLAS does not know on x86-64.
    public static func level(ofCore name: String) -> InstructionLevel? {
        coreLevels.first { $0.name.lowercased() == name.lowercased() }?.level
    }

    /// The canonical spelling of core `name`, or nil.
    public static func canonicalName(_ name: String) -> String? {
        coreLevels.first { $0.name.lowercased() == name.lowercased() }?.name
    }

    /// The cores newer than `running` that a CPU of level `cpu` supports, best first: what imx
    /// tries instead of it. Empty when `running` is as new as the CPU, or a core this table does
    /// not know (another architecture, a newer OpenBLAS), which is left alone.
    public static func replacements(for running: String, cpu: InstructionLevel) -> [String] {
        guard let runningLevel = level(ofCore: running), runningLevel < cpu else { return [] }
        return preferredCores.filter { $0.level <= cpu && $0.level > runningLevel }.map(\.name)
    }

    /// A bad `IMX_BLAS_CORE` value.
    public struct InvalidSetting: Error, CustomStringConvertible, Sendable, Equatable {
        public let value: String

        public init(value: String) { self.value = value }

        public var description: String {
            "\(BLASCoreChoice.controlVariable): '\(value)' is not auto, keep or an OpenBLAS x86-64 core ("
                + BLASCoreChoice.coreLevels.map(\.name).joined(separator: ", ") + ")"
        }
    }

    /// The decision.
    ///
    /// - Parameters:
    ///   - cpu: the CPU's instruction level (``CPUFeatures/level``).
    ///   - running: the core OpenBLAS runs (`openblas_get_corename()`).
    ///   - library: how to name the library in the note, e.g. `OpenBLAS 0.3.21`.
    ///   - environment: the process environment.
    /// - Throws: ``InvalidSetting`` for an unknown `IMX_BLAS_CORE`.
    public static func decide(cpu: InstructionLevel, running: String, library: String,
                              environment: [String: String]) throws(InvalidSetting) -> BLASCoreChoice {
        let setting = environment[controlVariable] ?? "auto"
        let requested: String?
        switch setting.lowercased() {
        case "auto", "": requested = nil
        case "keep": return .keep(note: nil)
        default:
            guard let name = canonicalName(setting) else { throw InvalidSetting(value: setting) }
            requested = name
        }
        if let applied = environment[appliedVariable], environment[openBLASVariable] != nil {
            // The process imx re-executed: the choice is made; say so only if OpenBLAS ignored it.
            return applied.lowercased() == running.lowercased() ? .keep(note: nil)
                : .keep(note: "BLAS: asked OpenBLAS for \(applied), it runs \(running)")
        }
        if let users = environment[openBLASVariable] {
            if let requested {
                return .keep(note: "BLAS: \(controlVariable)=\(requested) not applied: \(openBLASVariable)=\(users) is set; \(library) runs \(running)")
            }
            return .keep(note: nil)
        }
        if let requested {
            if requested.lowercased() == running.lowercased() { return .keep(note: nil) }
            return .replace(candidates: [requested], reason: "\(library) chose \(running); \(controlVariable) asks for \(requested)")
        }
        let candidates = replacements(for: running, cpu: cpu)
        guard !candidates.isEmpty else { return .keep(note: nil) }
        return .replace(candidates: candidates, reason: "\(library) chose \(running) on a CPU with \(cpu)")
    }
}
