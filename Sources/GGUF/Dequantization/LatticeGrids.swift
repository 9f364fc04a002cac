/// The lattice grids of ggml's IQ1, IQ2 and IQ3 types (ggml-common.h), and their sign table.
///
/// Row `i` of a grid is one integer whose byte `j` is element `j` of grid point `i`; the
/// grids themselves are generated into `LatticeGrids+IQ*.swift` by `scripts/generate-lattice-grids`.
enum LatticeGrids {
    /// ggml's `ksigns_iq2xs`: 7 stored sign bits plus an eighth that makes the number of minus
    /// signs even (`i | parity(i) << 7`).
    static let signs: [UInt8] = (0..<128).map { UInt8($0 | (($0.nonzeroBitCount & 1) << 7)) }

    /// Element `j` of an 8-element grid point as an unsigned byte.
    @inline(__always)
    static func byte(_ point: UInt64, _ j: Int) -> UInt8 { UInt8(truncatingIfNeeded: point >> UInt64(j &* 8)) }

    /// `-1` when bit `j` of `signs` is set, else `+1` (ggml: `signs & kmask_iq2xs[j] ? -1.f : 1.f`).
    @inline(__always)
    static func sign(_ signs: UInt8, _ j: Int) -> Float { (signs >> UInt8(j)) & 1 != 0 ? -1 : 1 }
}
