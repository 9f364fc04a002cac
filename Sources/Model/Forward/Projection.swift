import GGUF
import Kernels

/// One weight product `output = input · Wᵀ` of the forward pass: tells the observer about the
/// input, rounds the input as ggml's CPU backend would for the weight's type (unless the model
/// runs in plain float32), fetches the float32 matrix from the ``WeightStore`` and runs the
/// product with its output columns split over the threads.
struct Projection {
    let store: WeightStore
    let observer: (any ActivationObserver)?
    let threads: Int
    let precision: ActivationPrecision
    /// Holds the rounded input (see ``ActivationRounding``).
    let roundedInput: FloatBuffer

    func callAsFunction(_ weight: LinearWeight, input: UnsafePointer<Float>, rows: Int,
                        into output: UnsafeMutablePointer<Float>, expert: Int = 0,
                        routing: ExpertRows? = nil) throws(GGUFError) {
        guard rows > 0 else { return }
        observer?.observe(ObservedActivation(tensorName: weight.name, input: input, rows: rows,
                                             columns: weight.inFeatures, expert: routing))
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
