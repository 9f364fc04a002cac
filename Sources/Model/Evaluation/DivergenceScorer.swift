import Foundation
import Kernels

/// Compares a model's logits, streamed in vocabulary blocks, with a reference distribution
/// per row stored as in ``LogProbabilityFile``, without any row existing in full.
///
/// llama-perplexity's KL divergence of a row is `Σ p_b·(log p_b − z + LSE(z))` over the ids
/// whose reference log-probability exceeds −16; since `LSE(z)` is one number per row, this is
/// `Σ p_b·(log p_b − z) + LSE(z)·Σ p_b`, and both sums and `LSE(z)` (running maximum,
/// rescaled Σexp) stream block by block. The most likely ids of both sides are tracked as the
/// first maximum, as llama-perplexity does.
public final class DivergenceScorer {
    private let references: [UnsafePointer<UInt16>]
    private let targets: [Int32]
    private let threads: Int
    private let state: State

    /// A scorer for rows whose reference rows are `references` and whose targets are `targets`.
    public init(references: [UnsafePointer<UInt16>], targets: [Int32], threads: Int = Parallel.processorCount) {
        precondition(references.count == targets.count)
        self.references = references
        self.targets = targets
        self.threads = threads
        state = State(count: targets.count)
    }

    deinit { state.deallocate() }

    /// Folds one block of logits in.
    public func consume(_ block: LogitsBlock) {
        let width = block.vocabulary.count, firstId = block.vocabulary.lowerBound, firstRow = block.rows.lowerBound
        let state = self.state
        references.withUnsafeBufferPointer { references in
            targets.withUnsafeBufferPointer { targets in
                Parallel.forEachRange(count: block.rows.count, threads: threads, grain: 4) { range in
                    for offset in range {
                        let row = firstRow + offset
                        let logits = block.values + offset * width
                        state.fold(row: row, logits: logits, width: width, firstId: firstId,
                                   reference: references[row], target: Int(targets[row]))
                    }
                }
            }
        }
    }

    /// Per-row results once every block has been consumed.
    public func results() -> [DivergenceSample] {
        let state = self.state
        return (0..<targets.count).map { row in
            let maxima = state.maxima, sums = state.sums, targetLogits = state.targetLogits
            let arguments = state.arguments, referenceArguments = state.referenceArguments
            let crossSums = state.crossSums, massSums = state.massSums
            let logSum = maxima[row] + Float(Foundation.log(sums[row]))
            let (scale, minimum) = LogProbabilityRow.header(references[row])
            let target = Int(targets[row])
            let negativeLogLikelihood = logSum - targetLogits[row]
            let baseNegativeLogLikelihood = -(scale * Float(references[row][4 + target]) + minimum)
            return DivergenceSample(
                divergence: crossSums[row] + Double(logSum) * massSums[row],
                negativeLogLikelihood: Double(negativeLogLikelihood),
                baseNegativeLogLikelihood: Double(baseNegativeLogLikelihood),
                sameTop: arguments[row] == referenceArguments[row])
        }
    }

    /// Per-row running values, shared by the worker threads (each row is touched by one thread).
    private struct State: @unchecked Sendable {
        let maxima: UnsafeMutablePointer<Float>
        let sums: UnsafeMutablePointer<Double>
        let targetLogits: UnsafeMutablePointer<Float>
        let arguments: UnsafeMutablePointer<Int>
        let referenceMaxima: UnsafeMutablePointer<Int32>
        let referenceArguments: UnsafeMutablePointer<Int>
        let crossSums: UnsafeMutablePointer<Double>
        let massSums: UnsafeMutablePointer<Double>

        init(count: Int) {
            func buffer<T>(_ value: T) -> UnsafeMutablePointer<T> {
                let pointer = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(1, count))
                pointer.initialize(repeating: value, count: Swift.max(1, count))
                return pointer
            }
            maxima = buffer(-Float.infinity)
            sums = buffer(0)
            targetLogits = buffer(Float.nan)
            arguments = buffer(0)
            referenceMaxima = buffer(-1)
            referenceArguments = buffer(0)
            crossSums = buffer(0)
            massSums = buffer(0)
        }

        func deallocate() {
            maxima.deallocate(); sums.deallocate(); targetLogits.deallocate(); arguments.deallocate()
            referenceMaxima.deallocate(); referenceArguments.deallocate(); crossSums.deallocate(); massSums.deallocate()
        }

        func fold(row: Int, logits: UnsafePointer<Float>, width: Int, firstId: Int,
                  reference: UnsafePointer<UInt16>, target: Int) {
            let blockMaximum = VectorMath.maximum(logits, count: width)
            if blockMaximum > maxima[row] {
                if sums[row] > 0 { sums[row] *= Foundation.exp(Double(maxima[row] - blockMaximum)) }
                maxima[row] = blockMaximum
                var index = 0
                while logits[index] != blockMaximum { index &+= 1 }
                arguments[row] = firstId &+ index
            }
            sums[row] += VectorMath.sumOfExponentials(logits, count: width, subtracting: maxima[row])
            let local = target - firstId
            if local >= 0 && local < width { targetLogits[row] = logits[local] }

            let (scale, minimum) = LogProbabilityRow.header(reference)
            let values = reference + 4 + firstId
            var best = referenceMaxima[row], bestIndex = referenceArguments[row]
            var cross: Double = 0, mass: Double = 0
            for i in 0..<width {
                let value = Int32(values[i])
                if value > best {
                    best = value
                    bestIndex = firstId &+ i
                }
                let logProbability = scale * Float(value) + minimum
                if logProbability > -16 {
                    let probability = Foundation.exp(logProbability)
                    cross += Double(probability * (logProbability - logits[i]))
                    mass += Double(probability)
                }
            }
            referenceMaxima[row] = best
            referenceArguments[row] = bestIndex
            crossSums[row] += cross
            massSums[row] += mass
        }
    }
}

/// One prediction compared with the reference.
public struct DivergenceSample: Sendable, Equatable {
    /// KL(reference ‖ model) in nats.
    public var divergence: Double
    /// −log p(target) under the model.
    public var negativeLogLikelihood: Double
    /// −log p(target) under the reference, from the stored 16-bit row.
    public var baseNegativeLogLikelihood: Double
    /// Whether both put the same token first.
    public var sameTop: Bool

    public init(divergence: Double, negativeLogLikelihood: Double, baseNegativeLogLikelihood: Double, sameTop: Bool) {
        self.divergence = divergence
        self.negativeLogLikelihood = negativeLogLikelihood
        self.baseNegativeLogLikelihood = baseNegativeLogLikelihood
        self.sameTop = sameTop
    }
}
