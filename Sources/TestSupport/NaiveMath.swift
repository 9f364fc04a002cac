import Foundation

/// The few numerical building blocks of the naive reference transformer, in Double and plain
/// loops, written so that each line can be checked against the formula it implements.
public enum NaiveMath {
    /// y[o] = Σᵢ W[o·n + i]·x[i] for a matrix stored as `out` rows of `n = x.count` elements
    /// (ggml's layout: `ne = [n, out]`). `offset` selects a slice of a 3-D expert tensor.
    public static func multiply(_ weight: [Double], offset: Int = 0, rows: Int, _ x: [Double]) -> [Double] {
        let n = x.count
        var y = [Double](repeating: 0, count: rows)
        weight.withUnsafeBufferPointer { w in
            x.withUnsafeBufferPointer { v in
                for o in 0..<rows {
                    let base = offset + o * n
                    var sum = 0.0
                    for i in 0..<n { sum += w[base + i] * v[i] }
                    y[o] = sum
                }
            }
        }
        return y
    }

    /// x / sqrt(mean(x²) + ε) · weight (weight nil = 1).
    public static func rmsNorm(_ x: [Double], weight: [Double]?, epsilon: Double) -> [Double] {
        var meanSquare = 0.0
        for value in x { meanSquare += value * value }
        meanSquare /= Double(x.count)
        let scale = 1 / (meanSquare + epsilon).squareRoot()
        var y = [Double](repeating: 0, count: x.count)
        for i in 0..<x.count { y[i] = x[i] * scale * (weight?[i] ?? 1) }
        return y
    }

    /// Rotates one head `x` (its first `dimensions` elements) for position `position`:
    /// θᵢ = position·scale·base^(−2i/dimensions) / factor[i], pairs chosen by `style`.
    public static func rope(
        _ x: inout [Double], start: Int, dimensions: Int, position: Int, base: Double, scale: Double,
        frequencyFactors: [Double]?, style: NaiveTransformerConfiguration.RopeStyle
    ) {
        for i in 0..<dimensions / 2 {
            var theta = Double(position) * scale * pow(base, -2 * Double(i) / Double(dimensions))
            if let factors = frequencyFactors { theta /= factors[i] }
            let (a, b) = switch style {
            case .adjacentPairs: (start + 2 * i, start + 2 * i + 1)
            case .halves: (start + i, start + i + dimensions / 2)
            }
            let x0 = x[a], x1 = x[b]
            x[a] = x0 * cos(theta) - x1 * sin(theta)
            x[b] = x0 * sin(theta) + x1 * cos(theta)
        }
    }

    /// exp(x − max) / Σ exp(x − max).
    public static func softmax(_ x: [Double]) -> [Double] {
        let maximum = x.max() ?? 0
        let e = x.map { exp($0 - maximum) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }

    /// x·sigmoid(x).
    public static func silu(_ x: Double) -> Double { x / (1 + exp(-x)) }

    /// GELU, tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
    public static func geluTanh(_ x: Double) -> Double {
        0.5 * x * (1 + tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x)))
    }

    /// log Σ exp(x).
    public static func logSumExp(_ x: [Double]) -> Double {
        let maximum = x.max() ?? 0
        var total = 0.0
        for value in x { total += exp(value - maximum) }
        return maximum + log(total)
    }
}
