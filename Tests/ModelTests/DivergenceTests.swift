import Foundation
import Model
import Testing
import TestSupport

/// KL divergence as llama-perplexity computes it, checked against a direct float64
/// computation over whole rows: the 16-bit stored rows, the block-streamed scorer, the
/// statistics.
@Suite("KL divergence against stored reference rows")
struct DivergenceTests {
    static let vocabulary = 5003 // odd, so rows are padded

    static func logits(_ generator: inout SeededGenerator, spread: Float) -> [Float] {
        (0..<vocabulary).map { _ in Float.random(in: -spread...spread, using: &generator) + (Bool.random(using: &generator) ? 0 : -8) }
    }

    static func encode(_ logits: [Float]) -> [UInt16] {
        var row = [UInt16](repeating: 0xFFFF, count: LogProbabilityRow.slots(vocabulary: vocabulary))
        logits.withUnsafeBufferPointer { source in
            row.withUnsafeMutableBufferPointer { LogProbabilityRow.encode(source.baseAddress!, vocabulary: vocabulary, into: $0.baseAddress!) }
        }
        return row
    }

    /// log-softmax in float64.
    static func logSoftmax(_ logits: [Float]) -> [Double] {
        let maximum = Double(logits.max()!)
        let sum = logits.reduce(0.0) { $0 + Foundation.exp(Double($1) - maximum) }
        return logits.map { Double($0) - maximum - Foundation.log(sum) }
    }

    @Test("stored rows decode to the log-probabilities within half a step; clamped below max − 16; padding is zero")
    func encoding() {
        var generator = SeededGenerator(seed: 7)
        let logits = Self.logits(&generator, spread: 12)
        let row = Self.encode(logits)
        #expect(row.count == 2 * ((Self.vocabulary + 1) / 2) + 4)
        #expect(row.last == 0)
        let (scale, minimum) = row.withUnsafeBufferPointer { LogProbabilityRow.header($0.baseAddress!) }
        let exact = Self.logSoftmax(logits)
        let top = exact.max()!
        for (id, value) in exact.enumerated() {
            let decoded = Double(scale) * Double(row[4 + id]) + Double(minimum)
            if value > top - 16 + Double(scale) {
                #expect(abs(decoded - value) <= Double(scale) * 0.5 + 1e-5, "id \(id): \(decoded) vs \(value)")
            } else {
                #expect(decoded <= top - 16 + Double(scale) + 1e-5)
            }
        }
    }

    @Test("streamed KLD, NLL and top-1 equal a whole-row float64 computation for any block width", arguments: [1, 64, 1000, 5003])
    func streaming(width: Int) {
        var generator = SeededGenerator(seed: 11)
        let rows = 6
        let references = (0..<rows).map { _ in Self.encode(Self.logits(&generator, spread: 10)) }
        // The compared model: the reference's own logits plus noise (rows 0, 1) or unrelated logits.
        var compared: [[Float]] = []
        for row in 0..<rows { compared.append(Self.logits(&generator, spread: row < 2 ? 10 : 4)) }
        let targets: [Int32] = (0..<rows).map { _ in Int32.random(in: 0..<Int32(Self.vocabulary), using: &generator) }

        let pointers = references.map { row in
            let pointer = UnsafeMutablePointer<UInt16>.allocate(capacity: row.count)
            pointer.initialize(from: row, count: row.count)
            return UnsafePointer(pointer)
        }
        defer { pointers.forEach { $0.deallocate() } }
        let scorer = DivergenceScorer(references: pointers, targets: targets, threads: 2)
        for start in stride(from: 0, to: Self.vocabulary, by: width) {
            let ids = start..<min(Self.vocabulary, start + width)
            var block: [Float] = []
            for row in 0..<rows { block += compared[row][ids] }
            block.withUnsafeBufferPointer { scorer.consume(LogitsBlock(rows: 0..<rows, vocabulary: ids, values: $0.baseAddress!)) }
        }
        let samples = scorer.results()
        for row in 0..<rows {
            let (scale, minimum) = LogProbabilityRow.header(pointers[row])
            let base = (0..<Self.vocabulary).map { Double(scale) * Double(references[row][4 + $0]) + Double(minimum) }
            let model = Self.logSoftmax(compared[row])
            var divergence = 0.0
            for id in 0..<Self.vocabulary where base[id] > -16 { divergence += Foundation.exp(base[id]) * (base[id] - model[id]) }
            #expect(abs(samples[row].divergence - divergence) <= 1e-4 * max(1, abs(divergence)), "row \(row)")
            #expect(abs(samples[row].negativeLogLikelihood + model[Int(targets[row])]) < 1e-4)
            #expect(abs(samples[row].baseNegativeLogLikelihood + base[Int(targets[row])]) < 1e-4)
            let sameTop = base.firstIndex(of: base.max()!)! == compared[row].firstIndex(of: compared[row].max()!)!
            #expect(samples[row].sameTop == sameTop)
        }
    }

    @Test("statistics: llama-perplexity's mean ± error, interpolated percentiles, top-1 rate")
    func statistics() {
        var statistics = DivergenceStatistics()
        statistics.add((0..<20).map {
            DivergenceSample(divergence: Double($0), negativeLogLikelihood: 1, baseNegativeLogLikelihood: 1, sameTop: $0 % 4 != 0)
        })
        #expect(statistics.meanDivergence.mean == 9.5)
        // variance of 0…19 = 33.25; standard error sqrt(33.25 / 19).
        #expect(abs(statistics.meanDivergence.uncertainty - (33.25 / 19).squareRoot()) < 1e-12)
        #expect(statistics.divergencePercentile(0.5) == 9.5)
        #expect(abs(statistics.divergencePercentile(0.99) - 18.81) < 1e-9)
        #expect(statistics.divergencePercentile(1) == 19)
        #expect(statistics.sameTopFraction == 0.75)
        #expect(abs(statistics.perplexity - Foundation.exp(1.0)) < 1e-12)
        #expect(statistics.rmsProbabilityChange == 0)
    }
}
