import Kernels
import Model

/// The forward-pass observer that builds an importance matrix: for every collected weight
/// product it adds Σx² of the input rows per column and the number of rows, per expert for
/// expert tensors — llama-imatrix's `collect_imatrix`.
///
/// Collected, as llama.cpp does: every `blk.*` weight (attention, feed-forward, router
/// `ffn_gate_inp`, shared experts); `output.weight` only with `processOutput`; never
/// `token_embd.weight` (nor the tied output that reuses it). Dense products with fewer than
/// 16 rows are ignored (llama.cpp's filter for tiny ubatches); expert slices never are.
/// An expert tensor's count grows by one per (token, selected expert).
///
/// Each chunk's Σx² is summed in float64 (every square is exact there, rows in token order) and
/// then added to the total, which is kept in float32 as the files store it: so the result does
/// not depend on the thread count or on how chunks are batched, and a run resumed from a saved
/// file continues from exactly the numbers the uninterrupted run had.
///
/// A non-finite input stops collection: ``failure`` names the tensor, the expert and the chunk,
/// and the run reports it after the batch.
public final class ImatrixAccumulator: ActivationObserver {
    /// The data so far (the run adds datasets and the chunk count).
    public var collection: ImatrixCollection
    /// Whether `output.weight` is collected (`--process-output`).
    public let processOutput: Bool
    public let threads: Int
    /// The first error met; nothing more is collected after it.
    public private(set) var failure: ImatrixError?
    /// Where the current batch's rows come from, for error messages: the 0-based chunk number
    /// of its first row and the rows per chunk.
    public var batchOrigin = (firstChunk: 0, chunkSize: Int.max)
    /// The model's file, for error messages.
    public var source = "model"

    /// One chunk's Σx² for the product being added (reused between products).
    private var chunkSums: [Double] = []

    /// Dense products with fewer rows are not collected (llama.cpp: `src1->ne[1] < 16`).
    public static let minimumDenseRows = 16

    public init(collection: ImatrixCollection = ImatrixCollection(), processOutput: Bool = false,
                threads: Int = Parallel.processorCount) {
        self.collection = collection
        self.processOutput = processOutput
        self.threads = threads
    }

    /// Whether llama-imatrix collects the weight named `name`.
    public func collects(_ name: String) -> Bool {
        name.hasPrefix("blk.") || (processOutput && name == "output.weight")
    }

    public func observe(_ activation: ObservedActivation) {
        guard failure == nil, collects(activation.tensorName) else { return }
        if activation.expert?.countsOnce ?? true, activation.rows < ImatrixAccumulator.minimumDenseRows { return }
        let name = activation.tensorName
        var entry = collection.entries.removeValue(forKey: name)
        defer { if let entry { collection.entries[name] = entry } }
        let columns = activation.columns
        let matrix: Int
        let countSlot: Int?   // which count grows by the rows; nil: another head of this product counts them
        if let slice = activation.expert, slice.countsOnce {
            // One head of a 3-D dense weight: its columns at the head's offset, one count for all heads.
            let width = columns * slice.expertCount
            if entry == nil { entry = ImatrixEntry(name: name, columns: width, matrices: 1) }
            guard entry!.sums.count == width, entry!.counts.count == 1 else {
                failure = ImatrixError(file: source, field: name,
                                       message: "inconsistent size: \(entry!.sums.count) values collected, this product has \(slice.expertCount) slices of \(columns) columns")
                return
            }
            matrix = slice.expert
            countSlot = slice.expert == 0 ? 0 : nil
        } else if let expert = activation.expert {
            if entry == nil { entry = ImatrixEntry(name: name, columns: columns, matrices: expert.expertCount) }
            entry!.broadcastCounts(to: expert.expertCount)
            guard entry!.sums.count == columns * expert.expertCount, entry!.counts.count == expert.expertCount else {
                failure = ImatrixError(file: source, field: name,
                                       message: "inconsistent size: \(entry!.sums.count) values and \(entry!.counts.count) counts collected, this product has \(expert.expertCount) experts of \(columns) columns")
                return
            }
            matrix = expert.expert
            countSlot = matrix
        } else {
            if entry == nil { entry = ImatrixEntry(name: name, columns: columns, matrices: 1) }
            guard entry!.sums.count == columns, entry!.counts.count == 1 else {
                failure = ImatrixError(file: source, field: name,
                                       message: "inconsistent size: \(entry!.sums.count) values collected, this product has \(columns) columns")
                return
            }
            matrix = 0
            countSlot = 0
        }
        if let countSlot { entry!.counts[countSlot] += Int64(activation.rows) }
        if chunkSums.count < columns { chunkSums = [Double](repeating: 0, count: columns) }
        let finite = entry!.sums.withUnsafeMutableBufferPointer { sums -> Bool in
            let target = sums.baseAddress! + matrix * columns
            return chunkSums.withUnsafeMutableBufferPointer { scratch -> Bool in
                var first = 0
                while first < activation.rows {
                    let end = chunkEnd(activation, from: first)
                    let partial = scratch.baseAddress!
                    partial.update(repeating: 0, count: columns)
                    ColumnSquares.accumulate(activation.input + first * columns, rows: end - first, columns: columns,
                                             into: partial, threads: threads)
                    for j in 0..<columns { target[j] = Double(Float(target[j] + partial[j])) }
                    first = end
                }
                for j in 0..<columns where !target[j].isFinite { return false }
                return true
            }
        }
        if !finite { failure = nonFiniteError(activation) }
    }

    /// One past the last row from `first` on that belongs to the same chunk as row `first`
    /// (rows are in token order; an expert's rows are its tokens, ascending).
    private func chunkEnd(_ activation: ObservedActivation, from first: Int) -> Int {
        let size = max(1, batchOrigin.chunkSize)
        guard let expert = activation.expert else { return min(activation.rows, (first / size + 1) * size) }
        let chunk = Int(expert.tokenIndices[first]) / size
        var end = first + 1
        while end < activation.rows, Int(expert.tokenIndices[end]) / size == chunk { end += 1 }
        return end
    }

    /// The error for a product whose input holds a non-finite value, naming the chunk of the
    /// first such row.
    private func nonFiniteError(_ activation: ObservedActivation) -> ImatrixError {
        var badRow = 0
        search: for row in 0..<activation.rows {
            for column in 0..<activation.columns {
                let value = activation.input[row * activation.columns + column]
                guard !(value * value).isFinite else { continue }
                badRow = row
                break search
            }
        }
        let token = activation.expert.map { Int($0.tokenIndices[badRow]) } ?? badRow
        let chunk = batchOrigin.firstChunk + token / max(1, batchOrigin.chunkSize) + 1
        let expert = activation.expert.map { " expert \($0.expert)" } ?? ""
        return ImatrixError(file: source, field: activation.tensorName,
                            message: "non-finite activation for\(expert) in chunk \(chunk) (token \(token % max(1, batchOrigin.chunkSize)) of the chunk)")
    }
}
