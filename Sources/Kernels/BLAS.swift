import CBLAS

/// Matrix products and library control through OpenBLAS's CBLAS interface.
///
/// Every matrix product in the project goes through ``sgemm(_:_:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``
/// (model code never calls `cblas_*` directly). Matrices are row-major: element `(i, j)` of a
/// matrix with leading dimension `ld` is at `i * ld + j`.
///
/// A GGUF weight with `ne = [inFeatures, outFeatures]` is an `outFeatures × inFeatures`
/// row-major matrix, so a linear layer `y = x·Wᵀ` is `sgemm(.none, .transpose, …)`; see
/// ``linear(input:weight:output:rows:inFeatures:outFeatures:)``.
public enum BLAS {
    /// Whether an operand is used as stored or transposed.
    public enum Transpose: Sendable {
        case none
        case transpose

        var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
    }

    /// `C = alpha · op(A) · op(B) + beta · C`, single precision, row-major.
    ///
    /// - Parameters:
    ///   - transA: whether `A` is used transposed; `op(A)` is `m × k`.
    ///   - transB: whether `B` is used transposed; `op(B)` is `k × n`.
    ///   - a: `A`, stored `m × k` (or `k × m` when transposed) with leading dimension `lda`.
    ///   - b: `B`, stored `k × n` (or `n × k` when transposed) with leading dimension `ldb`.
    ///   - c: `C`, `m × n` with leading dimension `ldc`; read only when `beta != 0`.
    /// - Precondition: every dimension fits OpenBLAS's 32-bit `blasint`.
    public static func sgemm(
        _ transA: Transpose, _ transB: Transpose,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(
            CblasRowMajor, transA.cblas, transB.cblas,
            blasInt(m), blasInt(n), blasInt(k),
            alpha, a, blasInt(lda), b, blasInt(ldb),
            beta, c, blasInt(ldc))
    }

    /// `output = input · weightᵀ` for a linear layer stored the GGUF way.
    ///
    /// - Parameters:
    ///   - input: `rows × inFeatures`, row-major, contiguous.
    ///   - weight: `outFeatures × inFeatures`, row-major, contiguous (GGUF `ne = [inFeatures, outFeatures]`).
    ///   - output: `rows × outFeatures`, row-major, contiguous; overwritten.
    public static func linear(
        input: UnsafePointer<Float>, weight: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        rows: Int, inFeatures: Int, outFeatures: Int
    ) {
        sgemm(.none, .transpose, m: rows, n: outFeatures, k: inFeatures,
              a: input, lda: inFeatures, b: weight, ldb: inFeatures, c: output, ldc: outFeatures)
    }

    @inline(__always)
    static func blasInt(_ value: Int) -> blasint {
        guard let converted = blasint(exactly: value) else {
            preconditionFailure("BLAS dimension \(value) does not fit OpenBLAS's 32-bit blasint")
        }
        return converted
    }
}
