/// The check a BLAS core must pass before imx runs with it: `cblas_sgemm` on small shapes
/// (odd sizes, every transpose, one and two threads) against a plain float64 product.
///
/// imx runs it in a child process started with `OPENBLAS_CORETYPE` set to the candidate, so an
/// illegal instruction or a wrong result rejects that core without harming the run.
public enum BLASCoreVerification {
    /// `(m, n, k)` shapes: edge cases, and sizes large enough for OpenBLAS's blocked and
    /// threaded paths.
    static let shapes: [(m: Int, n: Int, k: Int)] = [(1, 1, 1), (3, 5, 7), (17, 33, 65), (64, 97, 300), (200, 128, 640)]

    /// nil when every product matches the float64 reference; otherwise what differed.
    public static func run() -> String? {
        let originalThreads = BLAS.threadCount
        defer { BLAS.setThreadCount(originalThreads) }
        for threads in Set([1, min(2, max(1, Parallel.processorCount))]).sorted() {
            BLAS.setThreadCount(threads)
            for shape in shapes {
                let transposes: [(BLAS.Transpose, BLAS.Transpose)] = shape.m * shape.n * shape.k > 100_000
                    ? [(.none, .transpose)] : [(.none, .none), (.none, .transpose), (.transpose, .none), (.transpose, .transpose)]
                for (transA, transB) in transposes {
                    if let failure = check(shape, transA, transB) { return "\(failure) with \(threads) thread(s)" }
                }
            }
        }
        return nil
    }

    /// Compares one product with its float64 reference.
    static func check(_ shape: (m: Int, n: Int, k: Int), _ transA: BLAS.Transpose, _ transB: BLAS.Transpose) -> String? {
        let (m, n, k) = shape
        var generator = SplitMix64(seed: UInt64(m &* 1_000_003 &+ n &* 1009 &+ k))
        func values(_ count: Int) -> [Float] { (0..<count).map { _ in Float(generator.next() >> 40) / Float(1 << 23) - 1 } }
        let a = values(m * k), b = values(k * n)
        var c = values(m * n)
        let initial = c
        let alpha: Float = 0.75, beta: Float = -0.5
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    BLAS.sgemm(transA, transB, m: m, n: n, k: k, alpha: alpha,
                               a: pa.baseAddress!, lda: transA == .none ? k : m,
                               b: pb.baseAddress!, ldb: transB == .none ? n : k,
                               beta: beta, c: pc.baseAddress!, ldc: n)
                }
            }
        }
        // |values| ≤ 1, so each float32 product term errs by ≤ 2⁻²⁴ and a sum of k terms by ≤ k·2⁻²³.
        let tolerance = Double(k) * 2e-6 + 1e-6
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let left = transA == .none ? a[i * k + p] : a[p * m + i]
                    let right = transB == .none ? b[p * n + j] : b[j * k + p]
                    sum += Double(left) * Double(right)
                }
                let expected = Double(alpha) * sum + Double(beta) * Double(initial[i * n + j])
                let got = Double(c[i * n + j])
                if !(abs(got - expected) <= tolerance) {
                    return "sgemm \(m)×\(n)×\(k) (\(transA), \(transB)) gives \(got) at (\(i), \(j)) where float64 gives \(expected)"
                }
            }
        }
        return nil
    }
}
