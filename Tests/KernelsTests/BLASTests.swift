import Testing
import Kernels

/// The sgemm wrapper against a naive triple loop in double precision, and proof that the
/// linked library is OpenBLAS.
@Suite("BLAS", .serialized)
struct BLASTests {
    /// `C = alpha·op(A)·op(B) + beta·C` computed naively in Double.
    static func reference(_ transA: BLAS.Transpose, _ transB: BLAS.Transpose, m: Int, n: Int, k: Int,
                          alpha: Float, a: [Float], b: [Float], beta: Float, c: [Float]) -> [Double] {
        var out = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let av = transA == .none ? a[i * k + p] : a[p * m + i]
                    let bv = transB == .none ? b[p * n + j] : b[j * k + p]
                    sum += Double(av) * Double(bv)
                }
                out[i * n + j] = Double(alpha) * sum + Double(beta) * Double(c[i * n + j])
            }
        }
        return out
    }

    static func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { Float(((($0 &* 7919) &+ seed &* 104_729) % 2001) - 1000) / 997 }
    }

    @Test("Row-major products with every transpose combination and odd shapes",
          arguments: [(1, 1, 1), (3, 5, 7), (17, 1, 33), (64, 48, 256), (5, 130, 3)])
    func products(_ shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        for transA in [BLAS.Transpose.none, .transpose] {
            for transB in [BLAS.Transpose.none, .transpose] {
                let a = Self.values(m * k, seed: 1), b = Self.values(k * n, seed: 2)
                var c = Self.values(m * n, seed: 3)
                let expected = Self.reference(transA, transB, m: m, n: n, k: k, alpha: 0.5, a: a, b: b, beta: -1.5, c: c)
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        c.withUnsafeMutableBufferPointer { pc in
                            BLAS.sgemm(transA, transB, m: m, n: n, k: k, alpha: 0.5,
                                       a: pa.baseAddress!, lda: transA == .none ? k : m,
                                       b: pb.baseAddress!, ldb: transB == .none ? n : k,
                                       beta: -1.5, c: pc.baseAddress!, ldc: n)
                        }
                    }
                }
                for i in 0..<(m * n) {
                    let tolerance = 1e-5 * Double(k) + 1e-5
                    #expect(abs(Double(c[i]) - expected[i]) <= tolerance,
                            "m=\(m) n=\(n) k=\(k) \(transA)/\(transB) [\(i)]: \(c[i]) vs \(expected[i])")
                }
            }
        }
    }

    @Test("linear(): y = x·Wᵀ for a GGUF-layout weight")
    func linearLayer() {
        let rows = 3, inFeatures = 4, outFeatures = 2
        let x: [Float] = [1, 2, 3, 4, 0, 1, 0, 1, -1, 0, 2, 0]
        let w: [Float] = [1, 0, 0, 0, 0.5, 0.5, 0.5, 0.5]     // 2 output rows of 4
        var y = [Float](repeating: .nan, count: rows * outFeatures)
        x.withUnsafeBufferPointer { px in
            w.withUnsafeBufferPointer { pw in
                y.withUnsafeMutableBufferPointer { py in
                    BLAS.linear(input: px.baseAddress!, weight: pw.baseAddress!, output: py.baseAddress!,
                                rows: rows, inFeatures: inFeatures, outFeatures: outFeatures)
                }
            }
        }
        #expect(y == [1, 5, 0, 1, -1, 0.5])
    }

    @Test("The linked BLAS is OpenBLAS, and its thread count can be set")
    func isOpenBLAS() {
        let configuration = BLAS.configuration
        #expect(configuration.hasPrefix("OpenBLAS"), "linked BLAS reports '\(configuration)'")
        #expect(!BLAS.coreName.isEmpty)
        let original = BLAS.threadCount
        BLAS.setThreadCount(1)
        #expect(BLAS.threadCount == 1)
        BLAS.setThreadCount(original)
        #expect(BLAS.threadCount == original)
    }
}
