import Foundation
import NativeKernels

/// What the CPU this process runs on can execute, read with CPUID (and XGETBV for the register
/// state the operating system saves: an AVX-512 CPU under an OS that does not save the ZMM
/// registers cannot use AVX-512).
public struct CPUFeatures: Sendable, Equatable {
    /// `GenuineIntel`, `AuthenticAMD`, … (empty off x86).
    public var vendor: String
    /// The brand string, e.g. `AMD EPYC 9R14 96-Core Processor`.
    public var brand: String
    /// Display family and model (with the extended fields folded in, as the vendors define them).
    public var family: Int
    public var model: Int
    public var stepping: Int
    /// Instruction-set extensions the CPU has and the OS enables, by their usual lower-case
    /// names (`sse3`, `avx2`, `fma`, `avx512f`, `avx512_vnni`, `avx_vnni`, `avx512_bf16`, …).
    public var flags: Set<String>

    public init(vendor: String, brand: String, family: Int, model: Int, stepping: Int, flags: Set<String>) {
        self.vendor = vendor
        self.brand = brand
        self.family = family
        self.model = model
        self.stepping = stepping
        self.flags = flags
    }

    /// Whether every flag in `names` is present.
    public func has(_ names: String...) -> Bool { names.allSatisfy(flags.contains) }

    /// The widest vector instruction set usable for float32 arithmetic, as one level.
    public var level: InstructionLevel {
        if has("avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd") { return .avx512 }
        if has("avx2", "fma") { return .avx2 }
        if has("avx") { return .avx }
        if has("sse4_2") { return .sse4_2 }
        if has("sse4_1") { return .sse4_1 }
        if has("ssse3") { return .ssse3 }
        if has("sse3") { return .sse3 }
        return .sse2
    }

    /// The CPU this process runs on (read once).
    public static let current: CPUFeatures = read()

    static func read() -> CPUFeatures {
        func cpuid(_ leaf: UInt32, _ subleaf: UInt32 = 0) -> [UInt32]? {
            var registers: [UInt32] = [0, 0, 0, 0]
            let available = registers.withUnsafeMutableBufferPointer { imx_cpuid(leaf, subleaf, $0.baseAddress!) }
            return available != 0 ? registers : nil
        }
        func text(_ words: [UInt32]) -> String {
            var bytes: [UInt8] = []
            for word in words { for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8((word >> UInt32(shift)) & 0xFF)) } }
            return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
        guard let leaf0 = cpuid(0) else {
            return CPUFeatures(vendor: "", brand: "", family: 0, model: 0, stepping: 0, flags: [])
        }
        let vendor = text([leaf0[1], leaf0[3], leaf0[2]])
        var brand = ""
        if let extended = cpuid(0x8000_0000), extended[0] >= 0x8000_0004 {
            brand = text((0x8000_0002...0x8000_0004).flatMap { cpuid(UInt32($0)) ?? [] })
        }
        let signature = cpuid(1) ?? [0, 0, 0, 0]
        let baseFamily = Int((signature[0] >> 8) & 0xF), baseModel = Int((signature[0] >> 4) & 0xF)
        let family = baseFamily == 0xF ? baseFamily + Int((signature[0] >> 20) & 0xFF) : baseFamily
        let model = baseFamily == 0xF || baseFamily == 0x6 ? baseModel + (Int((signature[0] >> 16) & 0xF) << 4) : baseModel
        let stepping = Int(signature[0] & 0xF)

        let xcr0 = imx_xcr0()
        let osSavesAVX = xcr0 & 0b110 == 0b110                 // XMM and YMM state
        let osSavesAVX512 = osSavesAVX && xcr0 & 0b1110_0000 == 0b1110_0000 // opmask, ZMM halves, ZMM16-31
        let leaf7 = (cpuid(0)?[0] ?? 0) >= 7 ? cpuid(7) : nil
        let leaf7s1 = (leaf7?[0] ?? 0) >= 1 ? cpuid(7, 1) : nil
        var flags: Set<String> = []
        func set(_ name: String, _ register: UInt32?, _ bit: Int, _ enabled: Bool = true) {
            if enabled, let register, register & (1 << UInt32(bit)) != 0 { flags.insert(name) }
        }
        set("sse2", signature[3], 26)
        set("sse3", signature[2], 0)
        set("ssse3", signature[2], 9)
        set("sse4_1", signature[2], 19)
        set("sse4_2", signature[2], 20)
        set("popcnt", signature[2], 23)
        set("fma", signature[2], 12, osSavesAVX)
        set("avx", signature[2], 28, osSavesAVX)
        set("f16c", signature[2], 29, osSavesAVX)
        set("avx2", leaf7?[1], 5, osSavesAVX)
        set("bmi2", leaf7?[1], 8)
        set("avx512f", leaf7?[1], 16, osSavesAVX512)
        set("avx512dq", leaf7?[1], 17, osSavesAVX512)
        set("avx512ifma", leaf7?[1], 21, osSavesAVX512)
        set("avx512cd", leaf7?[1], 28, osSavesAVX512)
        set("avx512bw", leaf7?[1], 30, osSavesAVX512)
        set("avx512vl", leaf7?[1], 31, osSavesAVX512)
        set("avx512vbmi", leaf7?[2], 1, osSavesAVX512)
        set("avx512_vnni", leaf7?[2], 11, osSavesAVX512)
        set("amx_bf16", leaf7?[3], 22)
        set("amx_tile", leaf7?[3], 24)
        set("amx_int8", leaf7?[3], 25)
        set("avx_vnni", leaf7s1?[0], 4, osSavesAVX)
        set("avx512_bf16", leaf7s1?[0], 5, osSavesAVX512)
        return CPUFeatures(vendor: vendor, brand: brand, family: family, model: model, stepping: stepping, flags: flags)
    }
}

/// Vector instruction-set levels of x86-64, oldest first; OpenBLAS's x86 cores each need one.
public enum InstructionLevel: Int, Comparable, Sendable, CaseIterable, CustomStringConvertible {
    case sse2, sse3, ssse3, sse4_1, sse4_2, avx, avx2, avx512

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .sse2: "SSE2"
        case .sse3: "SSE3"
        case .ssse3: "SSSE3"
        case .sse4_1: "SSE4.1"
        case .sse4_2: "SSE4.2"
        case .avx: "AVX"
        case .avx2: "AVX2"
        case .avx512: "AVX-512"
        }
    }
}
