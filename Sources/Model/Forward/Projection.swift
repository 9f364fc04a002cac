import GGUF
import Kernels

/// One weight product `output = input · Wᵀ` of the forward pass: tells the observer about the
/// input, fetches the float32 matrix from the ``WeightStore`` and runs `BLAS.linear`.
struct Projection {
    let store: WeightStore
    let observer: (any ActivationObserver)?

    func callAsFunction(_ weight: LinearWeight, input: UnsafePointer<Float>, rows: Int,
                        into output: UnsafeMutablePointer<Float>, expert: Int = 0,
                        routing: ExpertRows? = nil) throws(GGUFError) {
        guard rows > 0 else { return }
        observer?.observe(ObservedActivation(tensorName: weight.name, input: input, rows: rows,
                                             columns: weight.inFeatures, expert: routing))
        let matrix = try store.matrix(weight, expert: expert)
        BLAS.linear(input: input, weight: matrix, output: output,
                    rows: rows, inFeatures: weight.inFeatures, outFeatures: weight.outFeatures)
    }
}
