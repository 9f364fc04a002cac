/// Code points of a text with their classes, as raw pointers for the split scanners.
struct ScalarText {
    let scalars: UnsafePointer<UInt32>
    let classes: UnsafePointer<ScalarClass>

    @inline(__always) func scalar(_ i: Int) -> UInt32 { scalars[i] }
    @inline(__always) func classOf(_ i: Int) -> ScalarClass { classes[i] }

    @inline(__always) func isLetter(_ i: Int) -> Bool { classes[i].contains(.letter) }
    @inline(__always) func isNumber(_ i: Int) -> Bool { classes[i].contains(.number) }
    @inline(__always) func isWhitespace(_ i: Int) -> Bool { classes[i].contains(.whitespace) }
    @inline(__always) func isLineBreak(_ i: Int) -> Bool { scalars[i] == 0x0A || scalars[i] == 0x0D }

    /// Length of the run from `start` (before `end`) of scalars satisfying `test`.
    @inline(__always)
    func run(from start: Int, to end: Int, while test: (Int) -> Bool) -> Int {
        var i = start
        while i < end && test(i) { i &+= 1 }
        return i - start
    }
}
