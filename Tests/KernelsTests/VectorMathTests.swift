import Foundation
import Testing
import Kernels

/// VectorMath kernels against scalar `Double` references, on random inputs, awkward lengths
/// (tails of every size, block boundaries) and IEEE edge cases.
@Suite("Vector math")
struct VectorMathTests {
    static let lengths = [0, 1, 7, 8, 9, 15, 16, 17, 1000, 2049]

    // MARK: exp

    @Test("exp: random arguments over the whole useful range, every tail length")
    func expRandom() {
        var random = SplitMix(seed: 1)
        for count in Self.lengths + [50_000] {
            let input = (0..<count).map { _ in Float.random(in: -110...90, using: &random) }
            let output = Sentinel.apply(input) { VectorMath.exp($0, count: count) }
            for (x, y) in zip(input, output) { Self.checkExp(x, y) }
        }
    }

    @Test("exp: special values, range ends, subnormal results and random bit patterns")
    func expEdges() {
        var input: [Float] = [
            0, -0.0, 1, -1, 0.5, -0.5, 1e-30, -1e-30, .leastNonzeroMagnitude, .leastNormalMagnitude,
            0.34657359, -0.34657359, 0.3466, 88, 88.72, 88.7228, 88.7229, 88.73, 89, 89.5, 100, 1e10,
            .greatestFiniteMagnitude, .infinity, -87.3, -87.34, -87.4, -90, -95, -100, -103, -103.27,
            -103.28, -103.9, -103.98, -104, -105, -109.9, -110, -111, -200, -1e10,
            -.greatestFiniteMagnitude, -.infinity, .nan, -.nan,
        ]
        var random = SplitMix(seed: 2)
        for _ in 0..<20_000 { input.append(Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &random))) }
        for _ in 0..<20_000 { input.append(Float.random(in: -104...(-86), using: &random)) }
        for _ in 0..<5_000 { input.append(Float.random(in: 88...89, using: &random)) }
        for _ in 0..<5_000 { input.append(Float.random(in: -1e-3...1e-3, using: &random)) }
        let output = Sentinel.apply(input) { VectorMath.exp($0, count: input.count) }
        for (x, y) in zip(input, output) { Self.checkExp(x, y) }
        #expect(output[input.firstIndex(of: 0)!] == 1)
        #expect(output[input.firstIndex(of: -.infinity)!] == 0)
        #expect(output[input.firstIndex(of: .infinity)!] == .infinity)
        #expect(output[input.firstIndex(of: -104)!] == 0)
        #expect(output[input.firstIndex(of: 89)!] == .infinity)
    }

    /// e^x to ≤ 4e-7 relative for normal results, one subnormal step below, exact specials.
    static func checkExp(_ x: Float, _ y: Float, sourceLocation: SourceLocation = #_sourceLocation) {
        if x.isNaN {
            #expect(y.isNaN, "exp(\(x))", sourceLocation: sourceLocation)
            return
        }
        let reference = Foundation.exp(Double(x))
        if Float(reference).isInfinite {
            // Past the overflow threshold: +inf, unless the reference is within rounding of Float.max.
            let close = y.isFinite && abs(Double(y) - reference) <= 4e-7 * reference
            #expect(y == .infinity || close, "exp(\(x)) = \(y), reference \(reference)", sourceLocation: sourceLocation)
        } else if reference >= Double(Float.leastNormalMagnitude) {
            let error = abs(Double(y) - reference) / reference
            #expect(error <= 4e-7, "exp(\(x)) = \(y), reference \(reference), relative error \(error)", sourceLocation: sourceLocation)
        } else {
            let error = abs(Double(y) - reference)
            #expect(error <= Double(Float.leastNonzeroMagnitude), "exp(\(x)) = \(y), reference \(reference)", sourceLocation: sourceLocation)
        }
    }

    // MARK: Gated activations

    @Test("siluMultiply: g / (1 + e^-g) · up against Double")
    func silu() {
        var random = SplitMix(seed: 3)
        for count in Self.lengths {
            var gate = (0..<count).map { _ in Float.random(in: -30...30, using: &random) }
            if count > 5 { gate[0] = 0; gate[1] = -120; gate[2] = 1e20; gate[3] = -1e20; gate[4] = .nan }
            let up = (0..<count).map { _ in Float.random(in: -4...4, using: &random) }
            let output = Sentinel.apply(gate) { g in up.withUnsafeBufferPointer { VectorMath.siluMultiply(gate: g, up: $0.baseAddress!, count: count) } }
            for i in 0..<count {
                let g = Double(gate[i]), u = Double(up[i])
                let reference = g / (1 + Foundation.exp(-g)) * u
                // Results below ≈ 3e-37·|up| may flush to 0 (e^-g overflows first).
                Self.expectClose(output[i], reference, relative: 8e-7, absolute: 1e-36, "silu(\(gate[i]))·\(up[i])")
            }
        }
    }

    @Test("geluTanhMultiply: 0.5·g·(1 + tanh(√(2/π)(g + 0.044715g³))) · up against Double")
    func gelu() {
        var random = SplitMix(seed: 4)
        for count in Self.lengths {
            var gate = (0..<count).map { _ in Float.random(in: -12...12, using: &random) }
            if count > 5 { gate[0] = 0; gate[1] = -1e20; gate[2] = 1e20; gate[3] = 1e-20; gate[4] = .nan }
            let up = (0..<count).map { _ in Float.random(in: -4...4, using: &random) }
            let output = Sentinel.apply(gate) { g in up.withUnsafeBufferPointer { VectorMath.geluTanhMultiply(gate: g, up: $0.baseAddress!, count: count) } }
            for i in 0..<count {
                let g = Double(gate[i]), u = Double(up[i])
                let argument = (2 / Double.pi).squareRoot() * (g + 0.044715 * g * g * g)
                // Below u = -3, 1 + tanh(u) cancels in Double too; there use the exact
                // identity 0.5·(1 + tanh u) = e^(2u) / (1 + e^(2u)).
                let halfOnePlusTanh = argument >= -3
                    ? 0.5 * (1 + tanh(argument))
                    : Foundation.exp(2 * argument) / (1 + Foundation.exp(2 * argument))
                let reference = g * halfOnePlusTanh * u
                // The argument's Float rounding (≈ 3 ulp) is amplified by |2·argument| where the
                // result is an exponentially small tail; elsewhere the bound is a few ulp. Results
                // below ≈ 3e-38·|up| may flush to 0 (e^(-2u) overflows first).
                let relative = 8e-7 + 2e-7 * abs(2 * argument)
                Self.expectClose(output[i], reference, relative: relative, absolute: 1e-36, "gelu(\(gate[i]))·\(up[i])")
            }
        }
    }

    // MARK: Softmax and log-sum-exp

    @Test("softmax: against Double, with masked (-inf) entries giving exactly 0")
    func softmax() {
        var random = SplitMix(seed: 5)
        for count in Self.lengths + [5000] {
            // Logits on a 2^-12 grid in [-40, 40], so x - max is exact in Float and the
            // comparison measures the kernel, not the input rounding.
            var row = (0..<count).map { _ in Float(Int.random(in: -163_840...163_840, using: &random)) / 4096 }
            for i in stride(from: 3, to: count, by: 5) { row[i] = -.infinity }
            let output = Sentinel.apply(row) { VectorMath.softmax($0, count: count) }
            let finite = row.filter { $0 != -.infinity }.map(Double.init)
            let m = finite.max() ?? 0
            let total = finite.reduce(0) { $0 + Foundation.exp($1 - m) }
            var sum = 0.0
            for i in 0..<count {
                if row[i] == -.infinity {
                    #expect(output[i] == 0, "masked entry \(i) of \(count)")
                } else {
                    Self.expectClose(output[i], Foundation.exp(Double(row[i]) - m) / total, relative: 1e-6, "softmax[\(i)] of \(count)")
                }
                sum += Double(output[i])
            }
            if count > 0 { #expect(abs(sum - 1) < 2e-6, "softmax row of \(count) sums to \(sum)") }
        }
    }

    @Test("softmax: one unmasked entry gives exactly 1; equal entries give 1/n; no finite maximum gives NaN")
    func softmaxSpecialRows() {
        var row: [Float] = [-.infinity, -.infinity, 3.5, -.infinity, -.infinity, -.infinity, -.infinity, -.infinity, -.infinity, -.infinity]
        row = Sentinel.apply(row) { VectorMath.softmax($0, count: 10) }
        #expect(row == [0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
        let equal = Sentinel.apply([Float](repeating: -7.25, count: 13)) { VectorMath.softmax($0, count: 13) }
        #expect(equal.allSatisfy { abs(Double($0) - 1.0 / 13) <= 1e-7 / 13 })
        let masked = Sentinel.apply([Float](repeating: -.infinity, count: 9)) { VectorMath.softmax($0, count: 9) }
        #expect(masked.allSatisfy { $0.isNaN })
    }

    @Test("maximum: against Swift's max, -inf for an empty row, NaN anywhere gives NaN")
    func maximum() {
        var random = SplitMix(seed: 6)
        for count in Self.lengths {
            let x = (0..<count).map { _ in Float.random(in: -1e6...1e6, using: &random) }
            let result = x.withUnsafeBufferPointer { VectorMath.maximum($0.baseAddress!, count: count) }
            #expect(result == (x.max() ?? -.infinity), "count \(count)")
            for position in Set([0, count / 2, count - 1]) where count > 0 {
                var withNaN = x
                withNaN[position] = .nan
                let nanResult = withNaN.withUnsafeBufferPointer { VectorMath.maximum($0.baseAddress!, count: count) }
                #expect(nanResult.isNaN, "NaN at \(position) of \(count)")
            }
        }
        let empty = [Float]().withUnsafeBufferPointer { VectorMath.maximum($0.baseAddress ?? UnsafePointer(bitPattern: 16)!, count: 0) }
        #expect(empty == -.infinity)
        let masked = [Float](repeating: -.infinity, count: 11).withUnsafeBufferPointer { VectorMath.maximum($0.baseAddress!, count: 11) }
        #expect(masked == -.infinity)
    }

    @Test("sumOfExponentials: against Double over block boundaries; equal entries count exactly; -inf adds 0")
    func sumOfExponentials() {
        var random = SplitMix(seed: 7)
        for count in Self.lengths + [1024, 1031, 100_003] {
            var x = (0..<count).map { _ in Float(Int.random(in: -163_840...163_840, using: &random)) / 4096 }
            for i in stride(from: 5, to: count, by: 7) { x[i] = -.infinity }
            let m = x.max() ?? 0
            let result = x.withUnsafeBufferPointer { VectorMath.sumOfExponentials($0.baseAddress!, count: count, subtracting: m) }
            let reference = x.reduce(0.0) { $0 + Foundation.exp(Double($1) - Double(m)) }
            #expect(abs(result - reference) <= 1e-6 * reference, "count \(count): \(result) vs \(reference)")

            // e^0 = 1 exactly and block sums of ones are exact: any skipped or repeated element shows.
            let ones = [Float](repeating: 2.5, count: count)
            let exactCount = ones.withUnsafeBufferPointer { VectorMath.sumOfExponentials($0.baseAddress!, count: count, subtracting: 2.5) }
            #expect(exactCount == Double(count), "count \(count)")
        }
        let withNaN: [Float] = [0, 1, .nan, 2]
        #expect(withNaN.withUnsafeBufferPointer { VectorMath.sumOfExponentials($0.baseAddress!, count: 4, subtracting: 2) }.isNaN)
    }

    // MARK: RMS norm

    @Test("rmsNorm: against Double, with and without weight, in place")
    func rmsNorm() {
        var random = SplitMix(seed: 8)
        for count in Self.lengths + [5000] {
            let x = (0..<count).map { _ in Float.random(in: -3...3, using: &random) }
            let weight = (0..<count).map { _ in Float.random(in: -2...2, using: &random) }
            let epsilon: Float = 1e-6
            let mean = x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(count, 1))
            let scale = 1 / (mean + Double(epsilon)).squareRoot()
            for useWeight in [true, false] {
                let y = Sentinel.apply([Float](repeating: 0, count: count)) { y in
                    x.withUnsafeBufferPointer { px in
                        weight.withUnsafeBufferPointer { pw in
                            VectorMath.rmsNorm(px.baseAddress!, weight: useWeight ? pw.baseAddress! : nil, count: count, epsilon: epsilon, into: y)
                        }
                    }
                }
                let inPlace = Sentinel.apply(x) { y in
                    weight.withUnsafeBufferPointer { pw in
                        VectorMath.rmsNorm(y, weight: useWeight ? pw.baseAddress! : nil, count: count, epsilon: epsilon, into: y)
                    }
                }
                for i in 0..<count {
                    let reference = Double(x[i]) * scale * (useWeight ? Double(weight[i]) : 1)
                    Self.expectClose(y[i], reference, relative: 1e-6, "rmsNorm[\(i)] of \(count), weight \(useWeight)")
                    #expect(inPlace[i] == y[i])
                }
            }
        }
        // A zero row stays zero (scale = 1/√ε is finite).
        let zeros = Sentinel.apply([Float](repeating: 0, count: 9)) { VectorMath.rmsNorm($0, weight: nil, count: 9, epsilon: 1e-5, into: $0) }
        #expect(zeros.allSatisfy { $0 == 0 })
    }

    // MARK: Arithmetic

    @Test("add, scale and addScaled equal the scalar Float operations bit for bit")
    func arithmetic() {
        var random = SplitMix(seed: 9)
        for count in Self.lengths {
            let x = (0..<count).map { _ in Float.random(in: -100...100, using: &random) }
            let y = (0..<count).map { _ in Float.random(in: -100...100, using: &random) }
            let factor = Float.random(in: -3...3, using: &random)
            x.withUnsafeBufferPointer { px in
                let p = px.baseAddress ?? UnsafePointer(bitPattern: 16)!
                let sum = Sentinel.apply(y) { VectorMath.add($0, p, count: count) }
                let scaled = Sentinel.apply(y) { VectorMath.scale($0, count: count, by: factor) }
                let accumulated = Sentinel.apply(y) { VectorMath.addScaled($0, p, count: count, factor: factor) }
                for i in 0..<count {
                    #expect(sum[i].bitPattern == (y[i] + x[i]).bitPattern)
                    #expect(scaled[i].bitPattern == (y[i] * factor).bitPattern)
                    let product = x[i] * factor
                    #expect(accumulated[i].bitPattern == (y[i] + product).bitPattern)
                }
            }
        }
    }

    // MARK: Helpers

    /// Expects |actual - reference| ≤ relative·|reference| + absolute (by default two smallest
    /// normal Floats, room for subnormal results); NaN must match NaN.
    static func expectClose(_ actual: Float, _ reference: Double, relative: Double,
                            absolute: Double = 2 * Double(Float.leastNormalMagnitude), _ what: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        if reference.isNaN {
            #expect(actual.isNaN, "\(what) = \(actual), reference NaN", sourceLocation: sourceLocation)
            return
        }
        let bound = relative * abs(reference) + absolute
        #expect(abs(Double(actual) - reference) <= bound,
                "\(what) = \(actual), reference \(reference), relative error \(abs(Double(actual) - reference) / abs(reference))",
                sourceLocation: sourceLocation)
    }
}

/// Runs a kernel on a copy of `values` followed by guard elements, checks the guards are
/// untouched (no write past `count`), and returns the kernel's output.
enum Sentinel {
    static let guardValue = Float(bitPattern: 0x7FC0_1234)  // a NaN payload no kernel produces
    static func apply(_ values: [Float], _ kernel: (UnsafeMutablePointer<Float>) -> Void,
                      sourceLocation: SourceLocation = #_sourceLocation) -> [Float] {
        var buffer = values + [Float](repeating: guardValue, count: 9)
        buffer.withUnsafeMutableBufferPointer { kernel($0.baseAddress!) }
        let guards = buffer[values.count...]
        #expect(guards.allSatisfy { $0.bitPattern == guardValue.bitPattern }, "write past the end", sourceLocation: sourceLocation)
        return Array(buffer[..<values.count])
    }
}

/// SplitMix64: a small seeded generator so every run tests the same inputs.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
