extension BLAS {
    /// `C = A · Bᵀ` (A `m × k`, B `n × k`, both row-major) with the columns of `C` split over
    /// `threads` workers of our own ``Parallel`` loop, each running a single-threaded sgemm.
    ///
    /// Call ``setThreadCount(_:)`` with 1 first: this keeps all parallelism in one thread pool, so
    /// OpenBLAS's workers do not spin between products while our row kernels run. Column slices
    /// are multiples of 64 so every worker's panel stays aligned with OpenBLAS's blocking.
    ///
    /// - Parameters:
    ///   - ldc: leading dimension of `C` (at least `n`).
    public static func parallelProductTransposed(
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        threads: Int
    ) {
        let slice = 64
        let slices = (n + slice - 1) / slice
        Parallel.forEachRange(count: slices, threads: threads) { range in
            let first = range.lowerBound * slice
            let last = min(n, range.upperBound * slice)
            sgemm(.none, .transpose, m: m, n: last - first, k: k, alpha: alpha,
                  a: a, lda: lda, b: b + first * ldb, ldb: ldb, c: c + first, ldc: ldc)
        }
    }
}
