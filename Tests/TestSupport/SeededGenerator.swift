import Foundation
import Kernels

/// A deterministic random generator (SplitMix64) with normal draws (Box–Muller), so that the
/// tiny test models are the same on every run and machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var source: SplitMix64

    public init(seed: UInt64) { source = SplitMix64(seed: seed) }

    public mutating func next() -> UInt64 { source.next() }

    /// A uniform draw in (0, 1).
    public mutating func uniform() -> Double {
        (Double(next() >> 11) + 0.5) / Double(1 << 53)
    }

    /// A draw from N(0, standardDeviation²).
    public mutating func normal(standardDeviation: Double = 1) -> Double {
        let u = uniform(), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v) * standardDeviation
    }

    /// `count` draws from N(0, standardDeviation²) as Float.
    public mutating func normals(_ count: Int, standardDeviation: Double) -> [Float] {
        (0..<count).map { _ in Float(normal(standardDeviation: standardDeviation)) }
    }

    /// `count` token ids drawn uniformly from 0..<vocabularySize.
    public mutating func tokens(_ count: Int, vocabularySize: Int) -> [Int32] {
        (0..<count).map { _ in Int32(next() % UInt64(vocabularySize)) }
    }
}
