/// Read access to ggml's lattice grids for other modules (the quantizers search them).
/// Row `i` is grid point `i`, one element per byte, as in ``LatticeGrids``.
public enum LatticePoints {
    /// IQ2_XXS: 256 points of {8, 25, 43}⁸.
    public static var iq2xxs: [UInt64] { LatticeGrids.iq2xxs }
    /// IQ2_XS: 512 points of {8, 25, 43}⁸.
    public static var iq2xs: [UInt64] { LatticeGrids.iq2xs }
}

extension LatticePoints {
    /// IQ3_S: 512 points of {1, 3, …, 15}⁴.
    public static var iq3s: [UInt32] { LatticeGrids.iq3s }
}

extension LatticePoints {
    /// IQ1_S/IQ1_M: 2048 points of {−1, 0, 1}⁸ (signed bytes).
    public static var iq1s: [UInt64] { LatticeGrids.iq1s }
}

extension LatticePoints {
    /// IQ3_XXS: 256 points of 4 bytes from {4, 12, …, 62}.
    public static var iq3xxs: [UInt32] { LatticeGrids.iq3xxs }
}

extension LatticePoints {
    /// IQ2_S: 1024 points of {8, 25, 43}⁸.
    public static var iq2s: [UInt64] { LatticeGrids.iq2s }
}
