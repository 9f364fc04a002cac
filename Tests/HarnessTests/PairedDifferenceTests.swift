import Foundation
import Harness
import Kernels
import TestSupport
import Testing

/// Paired comparisons: per-token differences on the same tokens, their standard error and
/// bootstrap interval over chunks, the verdict, and the per-token scores file behind them.
@Suite("Paired differences")
struct PairedDifferenceTests {
    /// `chunkMeans.count` chunks of `perChunk` tokens whose differences from the baseline are
    /// the chunk's mean plus a within-chunk pattern that sums to zero.
    static func scores(chunkMeans: [Double], perChunk: Int, baseline: Float = 0.05) -> (variant: [Float], baseline: [Float]) {
        var variant: [Float] = [], base: [Float] = []
        for mean in chunkMeans {
            for position in 0..<perChunk {
                // +0.001, −0.001, … (an odd chunk's last token gets 0), so the chunk's mean is `mean`.
                let unpaired = perChunk % 2 == 1 && position == perChunk - 1
                let wiggle = unpaired ? 0 : (position % 2 == 0 ? 0.001 : -0.001)
                base.append(baseline)
                variant.append(Float(Double(baseline) + mean + wiggle))
            }
        }
        return (variant, base)
    }

    @Test("The same scores: mean 0, interval [0, 0], a tie")
    func identical() throws {
        let values = (0..<400).map { Float($0 % 17) * 0.01 }
        let difference = try #require(PairedDifference.between(values, values, perChunk: 40))
        #expect(difference.mean == 0 && difference.standardError == 0 && difference.low == 0 && difference.high == 0)
        #expect(difference.chunks == 10 && difference.verdict == .tie)
    }

    @Test("Standard error over chunk means: s/√C, with s from C − 1 (hand-computed)")
    func standardError() throws {
        // Chunk means 1…8: mean 4.5, s² = 42/7 = 6, SE = √(6/8).
        let (variant, baseline) = Self.scores(chunkMeans: (1...8).map(Double.init), perChunk: 4)
        let difference = try #require(PairedDifference.between(variant, baseline, perChunk: 4))
        #expect(abs(difference.mean - 4.5) < 1e-5)
        #expect(abs(try #require(difference.standardError) - (6.0 / 8).squareRoot()) < 1e-5)
        #expect(difference.verdict == .worse)
    }

    @Test("The bootstrap interval: about ±1.96 population SE wide, inside the data, reproducible")
    func interval() throws {
        let means = (0..<40).map { Double(($0 * 7919) % 41) / 41 - 0.3 }
        let (variant, baseline) = Self.scores(chunkMeans: means, perChunk: 6)
        let difference = try #require(PairedDifference.between(variant, baseline, perChunk: 6))
        let low = try #require(difference.low), high = try #require(difference.high)
        let mean = means.reduce(0, +) / 40
        let population = (means.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 40).squareRoot() / 40.0.squareRoot()
        #expect(low < difference.mean && difference.mean < high)
        #expect(abs((high - low) / (2 * 1.96 * population) - 1) < 0.15, "\(low)…\(high), SE \(population)")
        #expect(PairedDifference.between(variant, baseline, perChunk: 6) == difference)
    }

    @Test("Better only when the whole interval is below 0, worse only above it")
    func verdicts() throws {
        let better = Self.scores(chunkMeans: (0..<12).map { -0.01 - 0.001 * Double($0 % 3) }, perChunk: 5)
        #expect(PairedDifference.between(better.variant, better.baseline, perChunk: 5)?.verdict == .better)
        let mixed = Self.scores(chunkMeans: (0..<12).map { $0 % 2 == 0 ? 0.02 : -0.019 }, perChunk: 5)
        #expect(PairedDifference.between(mixed.variant, mixed.baseline, perChunk: 5)?.verdict == .tie)
    }

    @Test("Fewer than 8 chunks: no interval, a tie; one chunk: no standard error")
    func fewChunks() throws {
        let seven = Self.scores(chunkMeans: Array(repeating: -0.5, count: 7), perChunk: 3)
        let difference = try #require(PairedDifference.between(seven.variant, seven.baseline, perChunk: 3))
        #expect(difference.low == nil && difference.high == nil && difference.standardError != nil && difference.verdict == .tie)
        let one = Self.scores(chunkMeans: [-0.5], perChunk: 3)
        #expect(try #require(PairedDifference.between(one.variant, one.baseline, perChunk: 3)).standardError == nil)
    }

    @Test("Lengths that differ or make no whole chunks pair nothing")
    func mismatched() {
        let values = [Float](repeating: 1, count: 12)
        #expect(PairedDifference.between(values, Array(values.dropLast()), perChunk: 4) == nil)
        #expect(PairedDifference.between(values, values, perChunk: 5) == nil)
        #expect(PairedDifference.between([], [], perChunk: 4) == nil)
    }

    @Test("Per-token scores round-trip through their file; a torn or foreign file is a one-line error")
    func scoresFile() throws {
        let directory = try TemporaryDirectory()
        let scores = TokenScores(fingerprint: "f00d", variant: "Q4_K/pow(qw, 0.8)*x", text: "evaluation", perChunk: 3,
                                 divergence: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], negativeLogLikelihood: [1, 2, 3, 4, 5, .infinity])
        let path = TokenScores.path(cache: directory.path, text: "evaluation", variant: scores.variant)
        #expect(path.hasPrefix(directory.path + "/tokens/evaluation/Q4_K_pow_qw__0.8__x-") && path.hasSuffix(".tokens"))
        #expect(path != TokenScores.path(cache: directory.path, text: "evaluation", variant: "Q4_K/pow(qw,_0.8)*x"))
        try scores.write(to: path)
        #expect(try TokenScores.read(path: path) == scores)
        let bytes = try #require(FileManager.default.contents(atPath: path))
        try bytes.dropLast(3).write(to: URL(fileURLWithPath: path))
        #expect(throws: SweepConfigError.self) { try TokenScores.read(path: path) }
        do { _ = try TokenScores.read(path: path) } catch {
            #expect(error.description.hasPrefix("\(path): values: 45 bytes of values, the header says 6 tokens"))
        }
        try Data("not scores".utf8).write(to: URL(fileURLWithPath: path))
        do { _ = try TokenScores.read(path: path) } catch { #expect(error.description == "\(path): magic: not an imx per-token scores file") }
    }

    @Test("Paired scores need the same sweep, text and chunking")
    func pairing() throws {
        let a = TokenScores(fingerprint: "f", variant: "Q4_K/qw", text: "evaluation", perChunk: 2, divergence: [1, 2, 3, 4], negativeLogLikelihood: [1, 1, 1, 1])
        var b = a
        b.variant = "Q4_K/llama"
        b.divergence = [0, 0, 0, 0]
        let score = try #require(PairedScore.between(a, b))
        #expect(score.baseline == "Q4_K/llama" && score.kld.mean == 2.5 && score.nll.mean == 0)
        var other = b
        other.fingerprint = "g"
        #expect(PairedScore.between(a, other) == nil)
        other = b
        other.perChunk = 4
        #expect(PairedScore.between(a, other) == nil)
    }
}
