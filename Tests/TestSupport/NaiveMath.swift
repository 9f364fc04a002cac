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
    ///
    /// With `yarnOriginalContext` (YaRN, extrapolation factor 1, β_fast 32, β_slow 1, as the YaRN
    /// paper): pair i's angle blends the interpolated `scale·θ` and the extrapolated θ by the ramp
    /// over the correction dimensions, and both sine and cosine get the magnitude 1 + 0.1·ln(1/scale)
    /// (unless `yarnMagnitude` is false: deepseek2 moves it into the attention scale).
    public static func rope(
        _ x: inout [Double], start: Int, dimensions: Int, position: Int, base: Double, scale: Double,
        frequencyFactors: [Double]?, style: NaiveTransformerConfiguration.RopeStyle, yarnOriginalContext: Int? = nil,
        yarnMagnitude: Bool = true
    ) {
        var low = 0.0, high = 0.0
        if let context = yarnOriginalContext {
            func correction(_ rotations: Double) -> Double {
                Double(dimensions) * log(Double(context) / (rotations * 2 * Double.pi)) / (2 * log(base))
            }
            low = max(0, floor(correction(32)))
            high = min(Double(dimensions - 1), ceil(correction(1)))
        }
        for i in 0..<dimensions / 2 {
            var extrapolated = Double(position) * pow(base, -2 * Double(i) / Double(dimensions))
            if let factors = frequencyFactors { extrapolated /= factors[i] }
            var theta = scale * extrapolated
            var magnitude = 1.0
            if yarnOriginalContext != nil {
                let y = (Double(i) - low) / max(0.001, high - low)
                let ramp = 1 - min(1, max(0, y))
                theta = theta * (1 - ramp) + extrapolated * ramp
                magnitude = yarnMagnitude ? 1 + 0.1 * log(1 / scale) : 1
            }
            let (a, b) = switch style {
            case .adjacentPairs: (start + 2 * i, start + 2 * i + 1)
            case .halves: (start + i, start + i + dimensions / 2)
            }
            let x0 = x[a], x1 = x[b]
            let cosine = cos(theta) * magnitude, sine = sin(theta) * magnitude
            x[a] = x0 * cosine - x1 * sine
            x[b] = x0 * sine + x1 * cosine
        }
    }

    /// exp(x − max) / Σ exp(x − max).
    public static func softmax(_ x: [Double]) -> [Double] {
        let maximum = x.max() ?? 0
        let e = x.map { exp($0 - maximum) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }

    /// gpt-oss's clamped SwiGLU: min(g, 7)·σ(1.702·min(g, 7))·(clamp(u, −7, 7) + 1).
    public static func clampedSwiGLU(gate g: Double, up u: Double) -> Double {
        let x = min(g, 7), y = min(max(u, -7), 7)
        return x / (1 + exp(-1.702 * x)) * (y + 1)
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
