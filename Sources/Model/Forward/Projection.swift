import GGUF
import Kernels

/// One weight product `output = input · Wᵀ` of the forward pass: tells the observer about the
/// input, then either multiplies the weight's own quantized blocks with the input rounded to
/// ggml's 8-bit blocks in integers (``QuantizedProduct``, when the weight qualifies: see
/// ``WeightStore/usesQuantizedProduct(_:)``), or rounds the input as ggml's CPU backend would
/// for the weight's type (unless the model runs in plain float32), fetches the float32 matrix
/// from the ``WeightStore`` and runs sgemm. Either way the output columns are split over the threads.
struct Projection {
    let store: WeightStore
    let observer: (any ActivationObserver)?
    let threads: Int
    let precision: ActivationPrecision
    /// Holds the rounded input (see ``ActivationRounding``).
    let roundedInput: FloatBuffer
    /// Holds the 8-bit input of the quantized products.
    let quantizedInputs: QuantizedInputs

    /// Runs `body`, whose products all take `input` (`rows` rows), rounding it to 8-bit
    /// blocks only once per block size.
    func sharing<Result>(_ input: UnsafePointer<Float>, rows: Int, _ body: () throws(ModelError) -> Result) throws(ModelError) -> Result {
        quantizedInputs.sharedInput = (input, rows)
        defer { quantizedInputs.endSharing() }
        return try body()
    }

    func callAsFunction(_ weight: LinearWeight, input: UnsafePointer<Float>, rows: Int,
                        into output: UnsafeMutablePointer<Float>, expert: Int = 0,
                        routing: ExpertRows? = nil) throws(ModelError) {
        guard rows > 0 else { return }
        observer?.observe(ObservedActivation(tensorName: weight.name, input: input, rows: rows,
                                             columns: weight.inFeatures, expert: routing))
        if store.usesQuantizedProduct(weight) {
            let typeID = Int(weight.tensor.type.id)
            let activations = quantizedInputs.activations(typeID: typeID, input: input, rows: rows,
                                                          columns: weight.inFeatures, threads: threads)
            let scratch = quantizedInputs.workerScratch(
                threads: threads, bytes: QuantizedProduct.scratchBytes(typeID: typeID, columns: weight.inFeatures))
            QuantizedProduct.multiply(typeID: typeID, weights: store.quantizedRows(weight, expert: expert),
                                      outFeatures: weight.outFeatures, columns: weight.inFeatures, prepared: activations,
                                      rows: rows, output: output, ldc: weight.outFeatures, threads: threads,
                                      scratch: { scratch[$0] })
            store.releaseAfterUse(weight, expert: expert)
            return
        }
        let matrix = try store.matrix(weight, expert: expert)
        var input = input
        let rounding = ActivationRounding(weight: weight.effectiveType, precision: precision)
        if rounding.changes(columns: weight.inFeatures) {
            let rounded = roundedInput.reserve(rows * weight.inFeatures)
            rounding.apply(input, rows: rows, columns: weight.inFeatures, into: rounded, threads: threads)
            input = UnsafePointer(rounded)
        }
        BLAS.parallelProductTransposed(m: rows, n: weight.outFeatures, k: weight.inFeatures,
                                       a: input, lda: weight.inFeatures, b: matrix, ldb: weight.inFeatures,
                                       c: output, ldc: weight.outFeatures, threads: threads)
    }
}
