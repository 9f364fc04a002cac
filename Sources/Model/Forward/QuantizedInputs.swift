import GGUF
import Kernels

/// The forward pass's memory for the quantized-activation products (``QuantizedProduct``):
/// the input rounded to 8-bit blocks and per-worker scratch, and which input is prepared, so
/// products that share an input (q/k/v, gate/up) round it once inside ``Projection/sharing(_:rows:_:)``.
final class QuantizedInputs {
    private var prepared = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 64)
    private var preparedCapacity = 64
    private var scratch: [UnsafeMutableRawPointer] = []
    private var scratchCapacity = 0
    /// The input the shared preparation belongs to (set only inside `sharing`).
    var sharedInput: (pointer: UnsafePointer<Float>, rows: Int)?
    /// What `prepared` holds: input, rows, columns, activation block (valid while `sharedInput` is).
    private var preparedKey: (pointer: UnsafePointer<Float>, rows: Int, columns: Int, block: Int)?

    /// The rounded activations of `input` for weights of `typeID` (prepared now unless the
    /// shared input already is).
    func activations(typeID: Int, input: UnsafePointer<Float>, rows: Int, columns: Int, threads: Int) -> UnsafeRawPointer {
        let block = QuantizedProduct.activationBlock(typeID: typeID)
        if let shared = sharedInput, shared.pointer == input, shared.rows == rows, let key = preparedKey,
           key.pointer == input, key.rows == rows, key.columns == columns, key.block == block {
            return UnsafeRawPointer(prepared)
        }
        let bytes = rows * QuantizedProduct.activationRowBytes(typeID: typeID, columns: columns)
        if bytes > preparedCapacity {
            prepared.deallocate()
            prepared = .allocate(byteCount: bytes, alignment: 64)
            preparedCapacity = bytes
        }
        QuantizedProduct.prepare(typeID: typeID, input: input, rows: rows, columns: columns, into: prepared, threads: threads)
        preparedKey = sharedInput.map { _ in (input, rows, columns, block) }
        return UnsafeRawPointer(prepared)
    }

    /// `threads` scratch buffers of at least `bytes` each.
    func workerScratch(threads: Int, bytes: Int) -> [UnsafeMutableRawPointer] {
        if scratch.count < threads || scratchCapacity < bytes {
            for buffer in scratch { buffer.deallocate() }
            scratchCapacity = max(bytes, scratchCapacity)
            scratch = (0..<threads).map { _ in .allocate(byteCount: scratchCapacity, alignment: 64) }
        }
        return scratch
    }

    /// Ends a shared input.
    func endSharing() {
        sharedInput = nil
        preparedKey = nil
    }

    deinit {
        prepared.deallocate()
        for buffer in scratch { buffer.deallocate() }
    }
}
