/// A growable, uninitialised buffer owned by the forward pass's workspace.
///
/// ``reserve(_:)`` returns a pointer to at least the requested number of elements,
/// reallocating only when the request exceeds the capacity; contents are not preserved
/// across growth. Elements must be trivial (Float, Int32).
final class ScratchBuffer<Element: BitwiseCopyable> {
    private(set) var pointer: UnsafeMutablePointer<Element>
    private(set) var capacity = 0

    init() { pointer = .allocate(capacity: 1) }

    func reserve(_ count: Int) -> UnsafeMutablePointer<Element> {
        if count > capacity {
            pointer.deallocate()
            pointer = .allocate(capacity: count)
            capacity = count
        }
        return pointer
    }

    deinit { pointer.deallocate() }
}

typealias FloatBuffer = ScratchBuffer<Float>
typealias IndexBuffer = ScratchBuffer<Int32>
