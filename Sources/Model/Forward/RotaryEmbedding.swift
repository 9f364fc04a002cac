import Foundation
import Kernels

/// Cosines and sines of the rotary position embedding for positions `0..<length` of one layer,
/// computed the way ggml's CPU `rope` computes them (iterated θ products in float, YaRN ramp,
/// frequency factors), and their application to query/key heads.
struct RotaryTable {
    let spec: RotarySpec
    let length: Int
    /// `length × dimensions/2` cosines and sines, row per position.
    private(set) var cosines: [Float]
    private(set) var sines: [Float]

    init(spec: RotarySpec, base: Float, scale: Float, length: Int) {
        self.spec = spec
        self.length = length
        let pairs = spec.dimensions / 2
        cosines = [Float](repeating: 0, count: length * pairs)
        sines = [Float](repeating: 0, count: length * pairs)
        let dimensions = Float(spec.dimensions)
        let thetaScale = powf(base, -2 / dimensions)
        let corrections = Self.yarnCorrectionDimensions(spec: spec, base: base)
        for position in 0..<length {
            var theta = Float(position)
            for pair in 0..<pairs {
                let factor = spec.frequencyFactors?[pair] ?? 1
                let (cosine, sine) = Self.yarn(thetaExtrapolated: theta / factor, scale: scale,
                                               corrections: corrections, dimension: 2 * pair, spec: spec)
                cosines[position * pairs + pair] = cosine
                sines[position * pairs + pair] = sine
                theta *= thetaScale
            }
        }
    }

    /// ggml's `rope_yarn`: linear interpolation by `scale`, blended with extrapolation by the
    /// YaRN ramp when the extrapolation factor is non-zero, and the magnitude correction.
    private static func yarn(thetaExtrapolated: Float, scale: Float, corrections: (Float, Float),
                             dimension: Int, spec: RotarySpec) -> (Float, Float) {
        let interpolated = scale * thetaExtrapolated
        var theta = interpolated
        var magnitude = spec.attentionFactor
        if spec.extrapolationFactor != 0 {
            let y = (Float(dimension / 2) - corrections.0) / max(0.001, corrections.1 - corrections.0)
            let ramp = (1 - min(1, max(0, y))) * spec.extrapolationFactor
            theta = interpolated * (1 - ramp) + thetaExtrapolated * ramp
            magnitude *= 1 + 0.1 * logf(1 / scale)
        }
        return (cosf(theta) * magnitude, sinf(theta) * magnitude)
    }

    /// ggml's `ggml_rope_yarn_corr_dims`.
    private static func yarnCorrectionDimensions(spec: RotarySpec, base: Float) -> (Float, Float) {
        guard spec.extrapolationFactor != 0 else { return (0, 0) }
        let dimensions = Float(spec.dimensions)
        func correction(_ rotations: Float) -> Float {
            dimensions * logf(Float(spec.originalContextLength) / (rotations * 2 * Float.pi)) / (2 * logf(base))
        }
        return (max(0, floorf(correction(spec.betaFast))), min(dimensions - 1, ceilf(correction(spec.betaSlow))))
    }

    /// Rotates every head of `rows` rows in place. Row `r` is at position `r % length`; each row
    /// holds `heads` heads of `headWidth` floats (only the first `dimensions` rotate).
    func apply(to matrix: UnsafeMutablePointer<Float>, rows: Int, heads: Int, headWidth: Int, threads: Int) {
        let pairs = spec.dimensions / 2
        let rowWidth = heads * headWidth
        let neox = spec.layout == .neox
        cosines.withUnsafeBufferPointer { cosines in
            sines.withUnsafeBufferPointer { sines in
                let cosBase = cosines.baseAddress!, sinBase = sines.baseAddress!
                Parallel.forEachRange(count: rows, threads: threads, grain: 16) { range in
                    for row in range {
                        let cos = cosBase + (row % length) * pairs
                        let sin = sinBase + (row % length) * pairs
                        for head in 0..<heads {
                            let x = matrix + row * rowWidth + head * headWidth
                            if neox {
                                for i in 0..<pairs {
                                    let a = x[i], b = x[i &+ pairs]
                                    x[i] = a * cos[i] - b * sin[i]
                                    x[i &+ pairs] = a * sin[i] + b * cos[i]
                                }
                            } else {
                                for i in 0..<pairs {
                                    let a = x[2 &* i], b = x[2 &* i &+ 1]
                                    x[2 &* i] = a * cos[i] - b * sin[i]
                                    x[2 &* i &+ 1] = a * sin[i] + b * cos[i]
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
