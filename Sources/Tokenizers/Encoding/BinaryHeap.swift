/// An element of a `BinaryHeap`: `precedes` is true when `a` must come out before `b`.
protocol HeapOrdered {
    static func precedes(_ a: Self, _ b: Self) -> Bool
}

/// A binary heap whose top is the element that precedes all others; storage is kept between
/// uses to avoid reallocating per word.
struct BinaryHeap<Element: HeapOrdered> {
    private var storage: [Element] = []

    var isEmpty: Bool { storage.isEmpty }

    mutating func removeAll() { storage.removeAll(keepingCapacity: true) }

    mutating func push(_ element: Element) {
        storage.append(element)
        var child = storage.count - 1
        storage.withUnsafeMutableBufferPointer { heap in
            while child > 0 {
                let parent = (child - 1) >> 1
                if !Element.precedes(heap[child], heap[parent]) { break }
                heap.swapAt(child, parent)
                child = parent
            }
        }
    }

    mutating func pop() -> Element? {
        guard !storage.isEmpty else { return nil }
        let top = storage[0]
        let last = storage.removeLast()
        if storage.isEmpty { return top }
        storage.withUnsafeMutableBufferPointer { heap in
            heap[0] = last
            var parent = 0
            let count = heap.count
            while true {
                let left = 2 * parent + 1
                if left >= count { break }
                var best = left
                let right = left + 1
                if right < count && Element.precedes(heap[right], heap[left]) { best = right }
                if !Element.precedes(heap[best], heap[parent]) { break }
                heap.swapAt(best, parent)
                parent = best
            }
        }
        return top
    }
}
