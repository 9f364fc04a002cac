import Foundation
import Testing
import GGUF
import Kernels
import Quantization

/// The quantized-activation product (every kernel this CPU runs) against the float path it
/// replaces: ggml's dequantized weights times ``BlockRounding``'s rounded input, in float64.
@Suite("Quantized product")
struct QuantizedProductTests {
    static let types: [GGMLType] = [.q4_0, .q5_0, .q8_0, .q4_K, .q5_K, .q6_K, .iq4_NL, .iq4_XS]

    /// Weights of `rows × columns` quantized by ggml-exact quantizers (with a few large values
    /// and an all-zero row, which exercise the scales), and their dequantized floats.
    static func weights(_ type: GGMLType, rows: Int, columns: Int, seed: UInt64) throws -> (bytes: [UInt8], floats: [Float]) {
        var generator = SplitMix64(seed: seed)
        var values = (0..<(rows * columns)).map { _ in Float(Int(generator.next() >> 40) - (1 << 23)) / Float(1 << 23) }
        for index in stride(from: 7, to: values.count, by: 97) { values[index] *= 9 }
        if rows > 1 { for column in 0..<columns { values[columns + column] = 0 } } // row 1
        var bytes = [UInt8](repeating: 0, count: RowQuantizer.byteCount(type, rowCount: rows, rowLength: columns))
        try values.withUnsafeBufferPointer { source in
            try bytes.withUnsafeMutableBytes { output in
                try RowQuantizer.quantize(type, rows: source.baseAddress!, rowCount: rows, rowLength: columns, importance: nil,
                                          into: output.baseAddress!, threads: 2)
            }
        }
        var floats = [Float](repeating: 0, count: rows * columns)
        try bytes.withUnsafeBytes { source in
            try floats.withUnsafeMutableBufferPointer {
                try Dequantizer.dequantize(type, from: source.baseAddress!, elementCount: rows * columns, into: $0.baseAddress!)
            }
        }
        return (bytes, floats)
    }

    /// Activations with outliers, a zero row and a row with one huge value.
    static func activations(rows: Int, columns: Int, seed: UInt64) -> [Float] {
        var generator = SplitMix64(seed: seed)
        var values = (0..<(rows * columns)).map { _ in Float(Int(generator.next() >> 40) - (1 << 23)) / Float(1 << 21) }
        if rows > 1 { for column in 0..<columns { values[columns + column] = 0 } }
        if rows > 2 { values[2 * columns + 5] = 1e4 }
        return values
    }

    /// The kernel's output for `activations` (m × k) against `weights` (n rows in `type`'s
    /// blocks), with a leading dimension of n + 3 whose padding stays NaN.
    static func product(_ type: GGMLType, _ isa: QuantizedProduct.InstructionSet, weights bytes: [UInt8], activations x: [Float],
                        rows m: Int, outFeatures n: Int, columns k: Int) -> [Float] {
        let typeID = Int(type.id)
        let rowBytes = QuantizedProduct.activationRowBytes(typeID: typeID, columns: k)
        let prepared = UnsafeMutableRawPointer.allocate(byteCount: m * rowBytes, alignment: 64)
        let scratchBytes = QuantizedProduct.scratchBytes(typeID: typeID, columns: k)
        let scratch = (0..<2).map { _ in UnsafeMutableRawPointer.allocate(byteCount: scratchBytes, alignment: 64) }
        defer { prepared.deallocate(); scratch.forEach { $0.deallocate() } }
        var output = [Float](repeating: .nan, count: m * (n + 3))
        x.withUnsafeBufferPointer { input in
            QuantizedProduct.prepare(typeID: typeID, instructionSet: isa, input: input.baseAddress!, rows: m, columns: k,
                                     into: prepared, threads: 2)
        }
        bytes.withUnsafeBytes { weights in
            output.withUnsafeMutableBufferPointer { out in
                QuantizedProduct.multiply(typeID: typeID, instructionSet: isa, weights: weights.baseAddress!, outFeatures: n, columns: k,
                                          prepared: prepared, rows: m, output: out.baseAddress!, ldc: n + 3, threads: 2,
                                          scratch: { scratch[$0] })
            }
        }
        return output
    }

    /// The kernel's product next to the float64 product of the float path's operands.
    static func compare(_ type: GGMLType, _ isa: QuantizedProduct.InstructionSet, rows m: Int, outFeatures n: Int, columns k: Int) throws {
        let (bytes, floats) = try weights(type, rows: n, columns: k, seed: UInt64(type.id) &* 31 &+ UInt64(n))
        let x = activations(rows: m, columns: k, seed: UInt64(m &* 7 &+ k))
        var rounded = x
        x.withUnsafeBufferPointer { input in
            rounded.withUnsafeMutableBufferPointer { output in
                for row in 0..<m {
                    if QuantizedProduct.activationBlock(typeID: Int(type.id)) == 256 {
                        BlockRounding.q8_K(input.baseAddress! + row * k, into: output.baseAddress! + row * k, count: k)
                    } else {
                        BlockRounding.q8_0(input.baseAddress! + row * k, into: output.baseAddress! + row * k, count: k)
                    }
                }
            }
        }
        let output = product(type, isa, weights: bytes, activations: x, rows: m, outFeatures: n, columns: k)
        // The error is measured against Σ|x|·max|w| of the row: float32 sums of the sub-block
        // products (and, for Q4_K/Q5_K, of the minimum terms they partly cancel) err by a few
        // float32 ulps of that; a wrong element, scale or offset errs by far more.
        for a in 0..<m {
            for r in 0..<n {
                var sum = 0.0, activation = 0.0, largest = 0.0
                for e in 0..<k {
                    sum += Double(rounded[a * k + e]) * Double(floats[r * k + e])
                    activation += abs(Double(rounded[a * k + e]))
                    largest = max(largest, abs(Double(floats[r * k + e])))
                }
                let got = Double(output[a * (n + 3) + r])
                let error = abs(got - sum) / max(activation * largest, 1e-30)
                #expect(error <= 1e-6, "\(type.name) \(isa) m=\(m) n=\(n) k=\(k) [\(a), \(r)]: \(got) vs \(sum) (Σ|x|·max|w| \(activation * largest))")
                if error > 1e-6 { return }
            }
            // The padding columns of the leading dimension are not written.
            #expect(output[a * (n + 3) + n].isNaN)
        }
    }

    static var kernels: [QuantizedProduct.InstructionSet] { QuantizedProduct.InstructionSet.allCases.filter(\.isAvailable) }

    @Test("every weight type and kernel equals the float path within float rounding (odd row counts, partial panels)",
          arguments: types)
    func matchesFloatPath(_ type: GGMLType) throws {
        for isa in Self.kernels {
            let k = type.blockSize == 256 ? 512 : 96
            for (m, n) in [(1, 1), (3, 17), (13, 40), (9, 8)] {
                try Self.compare(type, isa, rows: m, outFeatures: n, columns: k)
            }
        }
    }

    @Test("a wide product (k 4096) on the best kernel", arguments: [GGMLType.q4_K, .q6_K, .q8_0])
    func wide(_ type: GGMLType) throws {
        try Self.compare(type, .best, rows: 11, outFeatures: 33, columns: 4096)
    }

    // Serialized: the cases share the process-wide slice setting and check its automatic value.
    @Test("column slices give the one-pass product bit for bit, on every kernel", .serialized, arguments: types)
    func slicesChangeNothing(_ type: GGMLType) throws {
        let (m, n, k) = (19, 37, 1024)
        let (bytes, _) = try Self.weights(type, rows: n, columns: k, seed: 11)
        let x = Self.activations(rows: m, columns: k, seed: 12)
        for isa in Self.kernels {
            // Slicing only reorders loops, so a concurrent test is not affected by the setting.
            QuantizedProduct.setSliceBytes(1 << 40)
            let whole = Self.product(type, isa, weights: bytes, activations: x, rows: m, outFeatures: n, columns: k)
            QuantizedProduct.setSliceBytes(m * 300) // four slices of 256 columns
            let sliced = Self.product(type, isa, weights: bytes, activations: x, rows: m, outFeatures: n, columns: k)
            QuantizedProduct.setSliceBytes(1) // one block per slice
            let finest = Self.product(type, isa, weights: bytes, activations: x, rows: m, outFeatures: n, columns: k)
            QuantizedProduct.setSliceBytes(nil)
            #expect(whole.map(\.bitPattern) == sliced.map(\.bitPattern), "\(type.name) \(isa)")
            #expect(whole.map(\.bitPattern) == finest.map(\.bitPattern), "\(type.name) \(isa)")
        }
        #expect(QuantizedProduct.sliceBytes >= 4 << 20 && QuantizedProduct.sliceBytes <= 16 << 20)
    }

    @Test("the 512-bit kernel (its own panel packing) and its 256-bit twin (the portable packing) give the same bits",
          arguments: types)
    func packingsAgree(_ type: GGMLType) throws {
        guard QuantizedProduct.InstructionSet.avx512VNNI.isAvailable, QuantizedProduct.InstructionSet.avx512VL256.isAvailable else {
            print("skipped: this CPU has no AVX-512 VNNI")
            return
        }
        let (m, n, k) = (21, 45, type.blockSize == 256 ? 2304 : 2080)
        let (bytes, _) = try Self.weights(type, rows: n, columns: k, seed: 21)
        let x = Self.activations(rows: m, columns: k, seed: 22)
        let wide = Self.product(type, .avx512VNNI, weights: bytes, activations: x, rows: m, outFeatures: n, columns: k)
        let narrow = Self.product(type, .avx512VL256, weights: bytes, activations: x, rows: m, outFeatures: n, columns: k)
        #expect(wide.map(\.bitPattern) == narrow.map(\.bitPattern), "\(type.name)")
    }

    @Test("the vectorised activation rounding writes the portable code's bytes", arguments: [GGMLType.q4_K, .q8_0])
    func activationBytes(_ type: GGMLType) {
        let typeID = Int(type.id), k = 1024, m = 7
        let x = Self.activations(rows: m, columns: k, seed: 5)
        let bytes = m * QuantizedProduct.activationRowBytes(typeID: typeID, columns: k)
        var outputs: [[UInt8]] = []
        for isa in [QuantizedProduct.InstructionSet.portable, .best] {
            var prepared = [UInt8](repeating: 0xA5, count: bytes)
            x.withUnsafeBufferPointer { input in
                prepared.withUnsafeMutableBytes {
                    QuantizedProduct.prepare(typeID: typeID, instructionSet: isa, input: input.baseAddress!, rows: m, columns: k,
                                             into: $0.baseAddress!, threads: 1)
                }
            }
            outputs.append(prepared)
        }
        #expect(outputs[0] == outputs[1])
    }

    @Test("this CPU's best kernel is the widest it has, and the portable one always runs")
    func dispatch() {
        #expect(QuantizedProduct.InstructionSet.portable.isAvailable)
        let cpu = CPUFeatures.current
        if cpu.has("avx512f", "avx512bw", "avx512vl", "avx512_vnni") { #expect(QuantizedProduct.InstructionSet.best == .avx512VNNI) }
        else if cpu.has("avx_vnni") { #expect(QuantizedProduct.InstructionSet.best == .avxVNNI) }
        else if cpu.has("avx2", "fma") { #expect(QuantizedProduct.InstructionSet.best == .avx2) }
        #expect(QuantizedProduct.supports(typeID: 12) && !QuantizedProduct.supports(typeID: 10)) // Q4_K yes, Q2_K not yet
    }
}
