/// ggml's CPU rounding of float32 activations to its 8-bit dot-product formats, returned as
/// float32 (`q · d`), so a float32 product with the result equals ggml's integer dot product
/// up to summation order.
public enum BlockRounding {
    /// `block_q8_0`, as the AVX2 `quantize_row_q8_0`: per block of 32, d = max|x|/127 stored as
    /// f16, q = round-half-even(x · 127/max|x|); the output is q · f16(d). `count` must be a
    /// multiple of 32; `output` may be `input`.
    public static func q8_0(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int) {
        var start = 0
        while start < count {
            let x = input + start, y = output + start
            let v0 = VectorMath.load8(x, 0), v1 = VectorMath.load8(x, 8)
            let v2 = VectorMath.load8(x, 16), v3 = VectorMath.load8(x, 24)
            var high = v0, low = v0
            for v in [v1, v2, v3] {
                high.replace(with: v, where: v .> high)
                low.replace(with: v, where: v .< low)
            }
            let amax = Swift.max(high.max(), -low.min())
            let d = HalfPrecision.toFloat(HalfPrecision.fromFloat(amax / 127))
            let id: Float = amax != 0 ? 127 / amax : 0
            VectorMath.store8(nearest(v0 * id) * d, y, 0)
            VectorMath.store8(nearest(v1 * id) * d, y, 8)
            VectorMath.store8(nearest(v2 * id) * d, y, 16)
            VectorMath.store8(nearest(v3 * id) * d, y, 24)
            start &+= 32  // < count + 32: cannot overflow
        }
    }

    /// `block_q8_K`, as `quantize_row_q8_K_ref`: per block of 256, m = the first element of
    /// largest magnitude, iscale = −127/m, q = min(127, round-half-even(iscale · x)), d = 1/iscale
    /// in float32; the output is q · d (zeros for an all-zero block). `count` must be a multiple
    /// of 256; `output` may be `input`.
    public static func q8_K(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int) {
        let limit = SIMD8<Float>(repeating: 127)
        var start = 0
        while start < count {
            let x = input + start, y = output + start
            var high = SIMD8<Float>(), low = SIMD8<Float>()
            var j = 0
            while j < 256 {
                let v = VectorMath.load8(x, j)
                high.replace(with: v, where: v .> high)
                low.replace(with: v, where: v .< low)
                j &+= 8
            }
            let amax = Swift.max(high.max(), -low.min())
            if amax == 0 {
                y.update(repeating: 0, count: 256)
            } else {
                var first = 0
                while abs(x[first]) != amax { first &+= 1 }  // exists: amax is one of the magnitudes
                let iscale = -127 / x[first]
                let d = 1 / iscale
                j = 0
                while j < 256 {
                    var level = nearest(VectorMath.load8(x, j) * iscale)
                    level.replace(with: limit, where: level .> limit)
                    VectorMath.store8(level * d, y, j)
                    j &+= 8
                }
            }
            start &+= 256  // < count + 256: cannot overflow
        }
    }

    /// Rounds every element to f16 (ggml's conversion for F16 weights).
    public static func half(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { output[i] = HalfPrecision.toFloat(HalfPrecision.fromFloat(input[i])) }
    }

    /// Rounds every element to bf16 (ggml's conversion for BF16 weights).
    public static func bfloat(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { output[i] = BFloat16.toFloat(BFloat16.fromFloat(input[i])) }
    }

    /// Round half to even for |v| < 2²², by adding and removing 1.5 · 2²³ (ggml's `nearest_int`
    /// trick): in [2²³, 2²⁴) the float spacing is 1, so the addition rounds to an integer.
    @inline(__always)
    static func nearest(_ v: SIMD8<Float>) -> SIMD8<Float> {
        let magic = SIMD8<Float>(repeating: 12_582_912)
        return (v + magic) - magic
    }
}
