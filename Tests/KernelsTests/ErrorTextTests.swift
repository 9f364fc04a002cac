import Testing
import Kernels

@Suite("Error text")
struct ErrorTextTests {
    @Test("Control characters become visible escapes; printable text, UTF-8 included, is kept")
    func escapes() {
        #expect(ErrorText.value("a\nb\tc\r\0d\u{1B}[0m\u{7F}\u{85}é✓") == "a\\nb\\tc\\r\\0d\\u{1B}[0m\\u{7F}\\u{85}é✓")
        #expect(ErrorText.value("blk.0.attn_q.weight") == "blk.0.attn_q.weight")
        #expect(ErrorText.isClean("plain line") && !ErrorText.isClean("two\nlines"))
    }

    @Test("Long values are cut in the middle, saying how much")
    func cuts() {
        let long = String(repeating: "a", count: 500) + String(repeating: "z", count: 500)
        let cut = ErrorText.value(long)
        #expect(cut.count <= ErrorText.valueLimit)
        #expect(cut.hasPrefix("aaaa") && cut.hasSuffix("zzzz") && cut.contains("characters cut"))
        #expect(ErrorText.line(String(repeating: "m", count: 58_000)).count <= ErrorText.lineLimit)
        #expect(ErrorText.value(String(repeating: "b", count: 100)) == String(repeating: "b", count: 100))
    }

    @Test("A multi-megabyte value full of control bytes (a damaged GGUF key) is shortened without scanning it quadratically")
    func hugeDamagedValue() {
        let damaged = String(repeating: "k\u{4}\0\0\0\u{10}", count: 700_000)
        let shown = ErrorText.value(damaged)
        #expect(shown.count <= ErrorText.valueLimit && ErrorText.isClean(shown), "\(shown)")
        #expect(shown.hasPrefix("k\\u{4}\\0") && shown.contains("characters cut"))
    }
}

