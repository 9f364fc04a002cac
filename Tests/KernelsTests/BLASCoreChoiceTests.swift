import Foundation
import Testing
import Kernels

/// The BLAS core decision (CPU level × running core × environment → action), the verification
/// the chosen core must pass, and the thread-count limits.
@Suite("BLAS core choice")
struct BLASCoreChoiceTests {
    static let library = "OpenBLAS 0.3.21"

    static func decide(_ cpu: InstructionLevel, _ running: String, _ environment: [String: String] = [:]) throws -> BLASCoreChoice {
        try BLASCoreChoice.decide(cpu: cpu, running: running, library: library, environment: environment)
    }

    @Test("an old core on a newer CPU is replaced by the best the CPU supports, then the next ones down")
    func replacesOldCores() throws {
        #expect(try Self.decide(.avx512, "Prescott") == .replace(
            candidates: ["SkylakeX", "Haswell", "Sandybridge", "Nehalem", "Core2"],
            reason: "OpenBLAS 0.3.21 chose Prescott on a CPU with AVX-512"))
        #expect(try Self.decide(.avx2, "Prescott") == .replace(
            candidates: ["Haswell", "Sandybridge", "Nehalem", "Core2"], reason: "OpenBLAS 0.3.21 chose Prescott on a CPU with AVX2"))
        #expect(try Self.decide(.avx512, "Haswell") == .replace(candidates: ["SkylakeX"], reason: "OpenBLAS 0.3.21 chose Haswell on a CPU with AVX-512"))
        #expect(try Self.decide(.avx512, "Zen") == .replace(candidates: ["SkylakeX"], reason: "OpenBLAS 0.3.21 chose Zen on a CPU with AVX-512"))
        #expect(try Self.decide(.avx, "Core2") == .replace(candidates: ["Sandybridge", "Nehalem"], reason: "OpenBLAS 0.3.21 chose Core2 on a CPU with AVX"))
    }

    @Test("a core as new as the CPU, an unknown core, or an SSE2-only CPU: nothing changes, silently")
    func keepsGoodCores() throws {
        #expect(try Self.decide(.avx512, "Cooperlake") == .keep(note: nil))
        #expect(try Self.decide(.avx512, "SkylakeX") == .keep(note: nil))
        #expect(try Self.decide(.avx2, "Haswell") == .keep(note: nil))
        #expect(try Self.decide(.avx2, "Zen") == .keep(note: nil))
        #expect(try Self.decide(.avx512, "NEOVERSEN1") == .keep(note: nil))
        #expect(try Self.decide(.sse2, "Prescott") == .keep(note: nil))
        #expect(try Self.decide(.sse3, "Prescott") == .keep(note: nil))
    }

    @Test("the user's OPENBLAS_CORETYPE is never overridden; IMX_BLAS_CORE=keep turns the check off")
    func respectsTheUser() throws {
        #expect(try Self.decide(.avx512, "Prescott", ["OPENBLAS_CORETYPE": "Prescott"]) == .keep(note: nil))
        #expect(try Self.decide(.avx512, "Prescott", ["IMX_BLAS_CORE": "keep"]) == .keep(note: nil))
        #expect(try Self.decide(.avx512, "Prescott", ["IMX_BLAS_CORE": "KEEP"]) == .keep(note: nil))
        #expect(try Self.decide(.avx512, "Prescott", ["IMX_BLAS_CORE": "auto"]) != .keep(note: nil))
        #expect(try Self.decide(.avx512, "SkylakeX", ["OPENBLAS_CORETYPE": "skylakex", "IMX_BLAS_CORE": "Haswell"])
                == .keep(note: "BLAS: IMX_BLAS_CORE=Haswell not applied: OPENBLAS_CORETYPE=skylakex is set; OpenBLAS 0.3.21 runs SkylakeX"))
    }

    @Test("IMX_BLAS_CORE=NAME asks for a core (any spelling), verified like an automatic choice")
    func namedCore() throws {
        #expect(try Self.decide(.avx512, "Cooperlake", ["IMX_BLAS_CORE": "haswell"])
                == .replace(candidates: ["Haswell"], reason: "OpenBLAS 0.3.21 chose Cooperlake; IMX_BLAS_CORE asks for Haswell"))
        #expect(try Self.decide(.avx512, "Haswell", ["IMX_BLAS_CORE": "Haswell"]) == .keep(note: nil))
    }

    @Test("the re-executed process keeps the applied core, and says so only if OpenBLAS ignored it")
    func appliedCore() throws {
        let applied = ["OPENBLAS_CORETYPE": "SkylakeX", "IMX_BLAS_CORE_APPLIED": "SkylakeX"]
        #expect(try Self.decide(.avx512, "SkylakeX", applied) == .keep(note: nil))
        #expect(try Self.decide(.avx512, "Prescott", applied) == .keep(note: "BLAS: asked OpenBLAS for SkylakeX, it runs Prescott"))
    }

    @Test("an unknown IMX_BLAS_CORE is an error naming the variable and the accepted values")
    func invalidSetting() {
        #expect(throws: BLASCoreChoice.InvalidSetting.self) { try Self.decide(.avx512, "Prescott", ["IMX_BLAS_CORE": "fastest"]) }
        let message = BLASCoreChoice.InvalidSetting(value: "fastest").description
        #expect(message.hasPrefix("IMX_BLAS_CORE: 'fastest' is not auto, keep or an OpenBLAS x86-64 core (") && message.contains("SkylakeX"))
    }

    @Test("the core this process runs passes the verification: sgemm equals the float64 product")
    func runningCoreVerifies() {
        #expect(BLASCoreVerification.run() == nil)
    }

    @Test("the CPU's level agrees with its flags, and the running OpenBLAS core is one the table knows (x86-64)")
    func cpuAndCoreTable() {
        let cpu = CPUFeatures.current
        #if arch(x86_64)
        #expect(cpu.has("sse2") && !cpu.vendor.isEmpty)
        #expect(cpu.level >= .sse2)
        if cpu.level == .avx512 { #expect(cpu.has("avx2", "fma", "avx512f")) }
        #expect(BLASCoreChoice.level(ofCore: BLAS.coreName) != nil, "core \(BLAS.coreName)")
        #endif
    }

    @Test("thread counts: at least 1, at most 4096, and what memory gives per-thread stacks and buffers")
    func threadBudget() {
        #expect(ThreadBudget.problem(threads: 2) == nil)
        #expect(ThreadBudget.problem(threads: 0) == "must be at least 1, got 0")
        #expect(ThreadBudget.problem(threads: 4097) == "must be at most 4096, got 4097")
        #expect(ThreadBudget.problem(threads: 1_000_000_000) == "must be at most 4096, got 1000000000")
        #expect(ThreadBudget.problem(threads: 4096, physicalMemory: 24 << 30)
                == "4096 threads need about 64.0 GiB for their stacks and buffers; this machine has 24.0 GiB")
    }

    @Test("the FMA probe runs on the CPU's widest vectors and reports a finite, positive rate")
    func floatPeak() {
        let rate = FloatPeak.measure(threads: 1, repetitions: 1)
        #expect(rate.isFinite && rate > 0, "\(rate) GFLOP/s")
    }
}
