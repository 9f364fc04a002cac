import Kernels

/// How a ``TransformerModel`` uses the machine.
public struct ModelOptions: Sendable, Equatable {
    /// Threads for BLAS, dequantization and row operations.
    public var threads: Int
    /// Memory for weights kept dequantized as float32 between products. Weights that do not
    /// fit (and are not stored as F32) are dequantized into a scratch buffer before each use.
    public var weightCacheBytes: Int

    /// The default budget: 512 MiB, which holds every block weight of a ~300M-parameter model
    /// while its large embedding/output matrix streams through a scratch buffer.
    public static let defaultWeightCacheBytes = 512 << 20

    public init(threads: Int = Parallel.processorCount, weightCacheBytes: Int = ModelOptions.defaultWeightCacheBytes) {
        self.threads = max(1, threads)
        self.weightCacheBytes = max(0, weightCacheBytes)
    }
}
