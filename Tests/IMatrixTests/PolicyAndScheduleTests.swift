import IMatrix
import Testing

/// The partial-data policies on a hand-made entry, ik_llama.cpp's tolerance table, and the save
/// schedule's batch boundaries.
@Suite("Partial-data policies and save schedule")
struct PolicyAndScheduleTests {
    /// 4 experts × 2 columns; expert 1 never routed.
    static let entry = ImatrixEntry(name: "blk.0.ffn_up_exps.weight", sums: [4, 8, 0, 0, 2, 2, 9, 3], counts: [2, 0, 1, 3])

    @Test("keep, fill-one, ik, skip and prior=W write what the table says")
    func policies() throws {
        let entry = Self.entry
        #expect(PartialDataPolicy.keep.apply(to: entry) == entry)
        let filled = try #require(PartialDataPolicy.fillOne.apply(to: entry))
        #expect(filled.sums == [4, 8, 1, 1, 2, 2, 9, 3] && filled.counts == [2, 1, 1, 3])
        #expect(filled.importance(ofMatrix: 1) == [1, 1])
        #expect(PartialDataPolicy.skip.apply(to: entry) == nil)
        #expect(PartialDataPolicy.ik.apply(to: entry) == nil, "4 experts: round(0.2) = 0 missing tolerated")
        let prior = try #require(PartialDataPolicy.prior(pseudoTokens: 2).apply(to: entry))
        #expect(prior.sums == [6, 10, 2, 2, 4, 4, 11, 5] && prior.counts == [4, 2, 3, 5])
        #expect(prior.importance(ofMatrix: 1) == [1, 1])
        #expect(prior.importance(ofMatrix: 0) == [1.5, 2.5])  // (N·m + W)/(N + W) = (4 + 2)/4, (8 + 2)/4
        // A complete entry is unchanged by every policy but prior.
        let complete = ImatrixEntry(name: "blk.0.attn_q.weight", sums: [1, 2], counts: [5])
        for policy in [PartialDataPolicy.keep, .fillOne, .ik, .skip] {
            #expect(policy.apply(to: complete) == complete)
            #expect(policy.decision(for: complete).action == .unchanged)
        }
        // ik keeps a 64-expert tensor with 2 missing experts (filled), not one with 3.
        var wide = ImatrixEntry(name: "blk.0.ffn_down_exps.weight", columns: 2, matrices: 64)
        for matrix in 2..<64 { wide.counts[matrix] = 5 }
        #expect(PartialDataPolicy.ik.apply(to: wide)?.counts.prefix(3) == [1, 1, 5])
        wide.counts[2] = 0
        #expect(PartialDataPolicy.ik.apply(to: wide) == nil)
    }

    @Test("The legacy writer leaves out an entry without any data and says so; GGUF keeps it")
    func legacyDropsEmptyEntries() throws {
        let empty = ImatrixEntry(name: "blk.1.ffn_up_exps.weight", columns: 2, matrices: 4)
        let collection = ImatrixCollection(entries: [Self.entry.name: Self.entry, empty.name: empty],
                                           datasets: ["t.txt"], chunkCount: 1)
        let (bytes, report) = try ImatrixWriter(format: .dat, chunkSize: 512).encode(collection)
        let stored = try LegacyImatrixFormat.decode(bytes, path: "x.dat")
        #expect(stored.entries.map(\.name) == [Self.entry.name])
        #expect(report.writtenEntries == 1 && report.totalEntries == 2)
        let dropped = try #require(report.decisions.first { $0.name == empty.name })
        #expect(!dropped.decision.isWritten)
        // The partially covered entry is stored with importance 1 for its missing expert.
        let kept = try #require(report.decisions.first { $0.name == Self.entry.name })
        #expect(kept.decision.action == .filledOnes && kept.decision.missing == [1])
        #expect(try ImatrixWriter(format: .gguf, chunkSize: 512).encode(collection).report.writtenEntries == 2)
    }

    @Test("Parsing --partial-data, with one-line errors")
    func parsing() throws {
        #expect(try PartialDataPolicy(parsing: "prior=16") == .prior(pseudoTokens: 16))
        #expect(try PartialDataPolicy(parsing: "fill-one") == .fillOne)
        for bad in ["prior=0", "prior=x", "fill", ""] {
            #expect(throws: ImatrixError.self) { try PartialDataPolicy(parsing: bad) }
        }
    }

    @Test("ik_llama.cpp stores only if fewer than round(0.05·n) experts are missing", arguments: [
        (8, 0), (60, 3), (64, 3), (128, 6), (160, 8), (256, 13),
    ])
    func ikTolerance(_ experts: Int, _ tolerance: Int) {
        #expect(PartialDataPolicy.ikTolerance(experts: experts) == tolerance)
    }

    @Test("Batches end at save points; saves fire at every multiple, counting chunks loaded before")
    func schedule() {
        let schedule = SaveSchedule(outputFrequency: 10, saveFrequency: 5)
        var batches: [Range<Int>] = []
        var outputs: [Int] = [], snapshots: [Int] = []
        var start = 0
        let loaded = 3
        while start < 24 {
            let end = schedule.batchEnd(from: start, limit: min(24, start + 4), chunksBefore: loaded)
            batches.append(start..<end)
            let due = schedule.savesDue(chunkCount: loaded + end, step: end - start)
            if due.output { outputs.append(loaded + end) }
            if due.snapshot { snapshots.append(loaded + end) }
            start = end
        }
        #expect(batches.allSatisfy { $0.count <= 4 && !$0.isEmpty })
        #expect(batches.first == 0..<2, "3 loaded + 2 = chunk 5, the first save point")
        #expect(snapshots == [5, 10, 15, 20, 25])
        #expect(outputs == [10, 20])
        #expect(SaveSchedule.snapshotPath(output: "out.gguf", chunkCount: 20) == "out.gguf.at_20")
    }
}
