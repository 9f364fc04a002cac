import CBLAS

extension BLAS {
    /// The build configuration string of the linked BLAS (OpenBLAS's `openblas_get_config()`),
    /// e.g. `"OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64"`.
    public static var configuration: String { String(cString: openblas_get_config()) }

    /// The library's version (`0.3.21`), from ``configuration``, or nil when it names none.
    public static var version: String? {
        let words = configuration.split(separator: " ")
        guard words.count >= 2, words[0] == "OpenBLAS" else { return nil }
        return String(words[1])
    }

    /// The library as a note names it: `OpenBLAS 0.3.21`.
    public static var libraryName: String { version.map { "OpenBLAS \($0)" } ?? "OpenBLAS" }

    /// The CPU kernel family OpenBLAS selected at run time (`openblas_get_corename()`), e.g. `"Haswell"`.
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// The number of threads OpenBLAS uses for one product.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of threads OpenBLAS uses for one product (at least 1).
    ///
    /// Call it with 1 before running products inside a parallel loop of our own, so that the
    /// two thread pools do not oversubscribe the cores.
    public static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(Int32(clamping: max(1, count)))
    }
}
