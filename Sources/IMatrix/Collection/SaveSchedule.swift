/// When llama-imatrix saves during a run: to `-o` every `outputFrequency` chunks and to
/// `OUT.at_N` every `saveFrequency` chunks (0 = never).
///
/// llama.cpp checks after each collection whether a multiple of the frequency was crossed:
/// `(chunks % frequency) / step == 0`, where `step` is the number of chunks the last step
/// completed. Here a step is a forward batch, and ``batchEnd(from:limit:chunksBefore:)`` ends
/// batches at those multiples, so saves land exactly on them and every save holds whole chunks
/// for every tensor (llama.cpp saves from inside the first tensor's collection, so its
/// snapshots hold one chunk more for some tensors than for others).
public struct SaveSchedule: Sendable, Equatable {
    /// Chunks between saves to the output file (≥ 1).
    public var outputFrequency: Int
    /// Chunks between snapshot files `OUT.at_N`; 0 for none.
    public var saveFrequency: Int

    public init(outputFrequency: Int = 10, saveFrequency: Int = 0) {
        precondition(outputFrequency >= 1 && saveFrequency >= 0)
        self.outputFrequency = outputFrequency
        self.saveFrequency = saveFrequency
    }

    /// The end (exclusive, in run-local chunk numbers) of the batch starting at `start`: at most
    /// `limit`, and no later than the next save point. `chunksBefore` is the chunk count already
    /// held (from `--in-file`), since save points count from the whole data.
    public func batchEnd(from start: Int, limit: Int, chunksBefore: Int) -> Int {
        var end = limit
        for frequency in [outputFrequency, saveFrequency] where frequency > 0 {
            let absolute = chunksBefore + start
            let next = (absolute / frequency + 1) * frequency
            end = min(end, next - chunksBefore)
        }
        return max(end, start + 1)
    }

    /// Which saves are due once the data holds `chunkCount` chunks after a step of `step`
    /// chunks: (to the output file, to a snapshot).
    public func savesDue(chunkCount: Int, step: Int) -> (output: Bool, snapshot: Bool) {
        let step = max(1, step)
        let output = (chunkCount % outputFrequency) / step == 0
        let snapshot = saveFrequency > 0 && (chunkCount % saveFrequency) / step == 0
        return (output, snapshot)
    }

    /// The snapshot file name for `chunkCount` chunks: `OUT.at_N`, as llama.cpp names it.
    public static func snapshotPath(output: String, chunkCount: Int) -> String { output + ".at_\(chunkCount)" }
}
