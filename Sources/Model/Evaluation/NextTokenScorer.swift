import Foundation
import Kernels

/// Log-probabilities of target tokens from logits streamed in vocabulary blocks.
///
/// Per row it keeps the running maximum, the running Σ exp(logit − max) in double precision
/// (rescaled when the maximum grows) and the target's logit, so that
/// `log p(target) = logit − max − log Σ` comes out as llama-perplexity's `log_softmax` computes
/// it, without the row ever existing in full. Feed it every block of a
/// ``LogitsLayout/vocabularyBlocks(width:)`` request, then read ``logProbabilities()``.
public final class NextTokenScorer {
    private var maxima: [Float]
    private var sums: [Double]
    private var targetLogits: [Float]
    private let targets: [Int32]
    private let threads: Int

    /// A scorer for rows whose targets are `targets` (row r predicts `targets[r]`).
    public init(targets: [Int32], threads: Int = Parallel.processorCount) {
        self.targets = targets
        self.threads = threads
        maxima = [Float](repeating: -.infinity, count: targets.count)
        sums = [Double](repeating: 0, count: targets.count)
        targetLogits = [Float](repeating: .nan, count: targets.count)
    }

    /// Folds one block of logits in.
    public func consume(_ block: LogitsBlock) {
        let width = block.vocabulary.count, firstId = block.vocabulary.lowerBound
        let firstRow = block.rows.lowerBound
        maxima.withUnsafeMutableBufferPointer { maxima in
            sums.withUnsafeMutableBufferPointer { sums in
                targetLogits.withUnsafeMutableBufferPointer { targetLogits in
                    targets.withUnsafeBufferPointer { targets in
                        Parallel.forEachRange(count: block.rows.count, threads: threads, grain: 8) { range in
                            for offset in range {
                                let row = firstRow + offset
                                let logits = block.values + offset * width
                                let blockMaximum = VectorMath.maximum(logits, count: width)
                                if blockMaximum > maxima[row] {
                                    if sums[row] > 0 { sums[row] *= Foundation.exp(Double(maxima[row] - blockMaximum)) }
                                    maxima[row] = blockMaximum
                                }
                                sums[row] += VectorMath.sumOfExponentials(logits, count: width, subtracting: maxima[row])
                                let target = Int(targets[row]) - firstId
                                if target >= 0 && target < width { targetLogits[row] = logits[target] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `log p(target)` per row once every block has been consumed.
    public func logProbabilities() -> [Double] {
        var result = [Double](repeating: 0, count: targets.count)
        for row in 0..<targets.count {
            let shifted = Double(targetLogits[row] - maxima[row])
            result[row] = shifted - Foundation.log(sums[row])
        }
        return result
    }
}
