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
            let magnitude = pointwiseMax(pointwiseMax(magnitudes(v0), magnitudes(v1)), pointwiseMax(magnitudes(v2), magnitudes(v3)))
            let amax = magnitude.max()
            let d = HalfPrecision.toFloat(HalfPrecision.fromFloat(amax / 127))
            let id: Float = amax != 0 ? 127 / amax : 0
            VectorMath.store8((v0 * id).rounded(.toNearestOrEven) * d, y, 0)
            VectorMath.store8((v1 * id).rounded(.toNearestOrEven) * d, y, 8)
            VectorMath.store8((v2 * id).rounded(.toNearestOrEven) * d, y, 16)
            VectorMath.store8((v3 * id).rounded(.toNearestOrEven) * d, y, 24)
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
            var magnitude = SIMD8<Float>()
            var j = 0
            while j < 256 {
                magnitude = pointwiseMax(magnitude, magnitudes(VectorMath.load8(x, j)))
                j &+= 8
            }
            let amax = magnitude.max()
            if amax == 0 {
                y.update(repeating: 0, count: 256)
            } else {
                var first = 0
                while abs(x[first]) != amax { first &+= 1 }  // exists: amax is one of the magnitudes
                let iscale = -127 / x[first]
                let d = 1 / iscale
                j = 0
                while j < 256 {
                    VectorMath.store8(pointwiseMin((VectorMath.load8(x, j) * iscale).rounded(.toNearestOrEven), limit) * d, y, j)
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

    @inline(__always)
    static func magnitudes(_ v: SIMD8<Float>) -> SIMD8<Float> { pointwiseMax(v, -v) }
}
