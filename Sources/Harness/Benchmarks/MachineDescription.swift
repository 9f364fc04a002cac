import Foundation
import Kernels

/// The machine a speed figure was measured on, as every benchmark prints it: CPU model and
/// vector extensions, clock, the BLAS library, its version and the core it runs, threads, and
/// the CPU's float32 peak (measured, and nominal from the clock).
public struct MachineDescription: Sendable, Encodable {
    public var cpu: String
    public var family: Int
    public var model: Int
    public var cores: Int
    /// The vector extensions that matter here (`avx2 fma avx512f … avx512_vnni avx512_bf16`).
    public var vectorFlags: [String]
    public var level: String
    /// The clock the peak assumes (GHz): the highest of cpufreq's maximum and `/proc/cpuinfo`.
    public var gigahertz: Double?
    /// float32 FLOP per cycle per core the peak assumes.
    public var flopsPerCycle: Int
    public var blasLibrary: String
    public var blasConfiguration: String
    public var blasCore: String
    /// `OPENBLAS_CORETYPE` as this process sees it, and whether imx set it.
    public var blasCoreSource: String
    public var threads: Int

    /// The float32 peak of `threads` threads in GFLOP/s as ``FloatPeak`` measures it.
    public var peakGigaflops: Double
    /// The nominal float32 peak of `threads` cores (clock × FLOP/cycle × cores), or nil without a
    /// known clock. Below the measured peak when the cores run above the clock they report.
    public var nominalGigaflops: Double? { gigahertz.map { $0 * Double(flopsPerCycle) * Double(min(threads, cores)) } }

    public init(threads: Int, cpu features: CPUFeatures = .current,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        cpu = features.brand.isEmpty ? "unknown CPU" : features.brand
        family = features.family
        model = features.model
        cores = Parallel.processorCount
        let interesting = ["sse4_2", "avx", "avx2", "fma", "f16c", "avx_vnni", "avx512f", "avx512bw", "avx512dq", "avx512vl",
                           "avx512_vnni", "avx512_bf16", "amx_int8", "amx_bf16"]
        vectorFlags = interesting.filter(features.flags.contains)
        level = features.level.description
        gigahertz = Self.clockGigahertz()
        flopsPerCycle = Self.flopsPerCycle(features)
        blasLibrary = BLAS.libraryName
        blasConfiguration = BLAS.configuration
        blasCore = BLAS.coreName
        if let applied = environment[BLASCoreChoice.appliedVariable] {
            blasCoreSource = "set by imx (\(applied), verified)"
        } else if let users = environment[BLASCoreChoice.openBLASVariable] {
            blasCoreSource = "OPENBLAS_CORETYPE=\(users) (the user's)"
            if let best = BLASCoreChoice.replacements(for: BLAS.coreName, cpu: features.level).first {
                // Kept, as every user's choice is; said here, where speed is the question.
                blasCoreSource += "; the CPU supports \(best): unset OPENBLAS_CORETYPE to let imx choose"
            }
        } else {
            blasCoreSource = "chosen by OpenBLAS"
        }
        self.threads = threads
        peakGigaflops = FloatPeak.measure(threads: min(threads, cores), cpu: features)
    }

    /// float32 FLOP per cycle per core: two FMA pipes of the widest vector (AMD before Zen 5
    /// runs AVX-512 on 256-bit pipes).
    static func flopsPerCycle(_ features: CPUFeatures) -> Int {
        switch features.level {
        case .avx512: features.vendor == "AuthenticAMD" && features.family < 26 ? 32 : 64
        case .avx2: 32
        case .avx: 16
        default: 8
        }
    }

    static func clockGigahertz() -> Double? {
        var best: Double?
        if let text = try? String(contentsOfFile: "/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", encoding: .utf8),
           let kilohertz = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            best = kilohertz / 1e6
        }
        if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) {
            for line in text.split(separator: "\n") where line.hasPrefix("cpu MHz") {
                if let value = line.split(separator: ":").last.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }) {
                    best = max(best ?? 0, value / 1000)
                }
            }
        }
        return best
    }

    /// The lines benchmarks print above their tables.
    public var lines: [String] {
        var lines = ["cpu: \(cpu) (family \(family), model \(model)), \(cores) cores, \(level): \(vectorFlags.joined(separator: " "))"]
        lines.append("blas: \(blasLibrary), core \(blasCore) (\(blasCoreSource)), \(threads) threads; \(blasConfiguration)")
        var peak = String(format: "fp32 peak: %.0f GFLOP/s measured (%d-bit FMA on %d threads)", peakGigaflops,
                          FloatPeak.width(for: .current), min(threads, cores))
        if let nominal = nominalGigaflops, let gigahertz {
            peak += String(format: "; nominal %.0f (%d cores × %.2f GHz × %d FLOP/cycle)", nominal, min(threads, cores), gigahertz, flopsPerCycle)
        }
        lines.append(peak)
        return lines
    }
}
