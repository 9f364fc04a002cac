/// BLAS-1 style element-wise arithmetic: residual adds, scaling, scaled accumulation.
extension VectorMath {
    /// `y[i] += x[i]` for `count` elements.
    public static func add(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        let whole = count & ~(lanes &- 1)
        var i = 0
        while i < whole {
            store8(load8(y, i) + load8(x, i), y, i)
            i &+= lanes  // i < whole ≤ count: cannot overflow
        }
        while i < count {
            y[i] += x[i]
            i &+= 1
        }
    }

    /// `y[i] *= factor` for `count` elements.
    public static func scale(_ y: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
        let whole = count & ~(lanes &- 1)
        var i = 0
        while i < whole {
            store8(load8(y, i) * factor, y, i)
            i &+= lanes  // i < whole ≤ count: cannot overflow
        }
        while i < count {
            y[i] *= factor
            i &+= 1
        }
    }

    /// `y[i] += factor · x[i]` for `count` elements (a separate multiply and add, no fused rounding).
    public static func addScaled(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int, factor: Float) {
        let whole = count & ~(lanes &- 1)
        var i = 0
        while i < whole {
            store8(load8(y, i) + load8(x, i) * factor, y, i)
            i &+= lanes  // i < whole ≤ count: cannot overflow
        }
        while i < count {
            y[i] += x[i] * factor
            i &+= 1
        }
    }
}
