import Synchronization
import Testing
import Kernels

/// The parallel loop covers every index exactly once with contiguous disjoint ranges.
@Suite("Parallel loops")
struct ParallelTests {
    @Test("Every index is visited exactly once",
          arguments: [(0, 4, 1), (1, 4, 1), (7, 3, 1), (1000, 2, 1), (1000, 8, 64), (5, 16, 100), (12345, 4, 7)])
    func coverage(_ parameters: (Int, Int, Int)) {
        let (count, threads, grain) = parameters
        let visits = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(count, 1))
        visits.initialize(repeating: 0)
        defer { visits.deallocate() }
        let rangeCount = Atomic<Int>(0)
        Parallel.forEachRange(count: count, threads: threads, grain: grain) { range in
            rangeCount.add(1, ordering: .relaxed)
            for i in range { visits[i] += 1 }
        }
        #expect(visits.prefix(count).allSatisfy { $0 == 1 })
        let ranges = rangeCount.load(ordering: .relaxed)
        #expect(ranges <= max(1, threads))
        if count > 0 && grain > 0 { #expect(ranges <= max(1, count / grain)) }
    }
}
