import Testing
import Tokenizers

@Suite("llama.cpp's escape sequences")
struct EscapeSequencesTests {
    static func process(_ text: String) -> String {
        String(decoding: EscapeSequences.process(Array(text.utf8)), as: UTF8.self)
    }

    @Test("The six escapes, \\xHH, and everything else kept as written")
    func vectors() {
        #expect(Self.process(#"a\nb\rc\td\'e\"f\\g"#) == "a\nb\rc\td'e\"f\\g")
        #expect(Self.process(#"\x41\x4a\x7e"#) == "AJ~")
        #expect(Self.process(#"\x4g \xzz \q \frac"#) == #"\x4g \xzz \q \frac"#)
        #expect(Self.process(#"end\x4"#) == #"end\x4"#, "two characters must follow \\x")
        #expect(Self.process(#"end\"#) == #"end\"#, "a final backslash stays")
        #expect(Self.process(#"\\n"#) == #"\n"#, "an escaped backslash, then a plain n")
        #expect(EscapeSequences.process(Array(#"\x+5\x 9\x-1"#.utf8)) == [0x05, 0x09, 0xFF], "strtol's sign and white space")
        #expect(Self.process("no backslash at all") == "no backslash at all")
    }
}
