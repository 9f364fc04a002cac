import Foundation
import Testing
import Tokenizers
import TestSupport

/// Every pre-tokenizer's hand-written scanners against llama.cpp's published regular
/// expressions run by Python's `regex` module (Tests/Oracles/pretokenize_split.py), on the
/// fixture test strings and on strings aimed at each rule's edges.
@Suite("Pre-tokenizers against their regular expressions", .needsPythonRegex, .needsFixtures)
struct PreTokenizerOracleTests {
    static let edgeCases: [String] = [
        "", " ", "  ", "\n", "a", "'s", "'S", "'ll'", "don't DON'T we'Re I'M", "x'", "'",
        "Hello world", " Hello  world ", "  \n  \n  x", "a\r\n\r\nb", "\t\tfoo\t", "  leading and trailing  ",
        "1 12 123 1234 12345 123456", "٣٤٥ ⅷ ½", "3.14159, -2e10", "$5 + <x> = ^~|`",
        "naïve café e\u{301}t\u{301}e\u{301} a\u{300}\u{301}b", "\u{301}x \u{301} \u{301}\u{302}",
        "中文字符 한국어 日本語のテキスト", "Ωmega ῼ ﬀ K Ω", "！！ 。。 ‘quoted’", "emoji 🦙🦙 👍🏽 x",
        "tabs\tand\u{a0}nbsp\u{3000}ideographic\u{2028}sep", "a\u{85}b", "...!!!???", "((([[[{{{",
        "line1\nline2\r\nline3\rline4", "    def f(x):\n        return x  \n", "x\n \n \n y",
        "___init___ --flag=value", "ﾃﾞｰﾀ ａｂｃ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐐀𐐁", "a  \n",
        // GPT-4o's case-split words: capitals then lower case, non-ASCII letters on both sides.
        "ÉCOLE École CamelCaseWord HELLO world iPhone XMLHttpRequest", "DON'T Don'T it's IT'S", "ǅemal ΑΒΓ αβγ Straße",
        "a/b\n/\nc //x", "'hello' \"Quoted\" x'Y", "ABCdef ABC123def",
        // DeepSeek-V3's ASCII-mark words, number groups and kana runs.
        "#include <stdio.h> x.y_z @decorator $var", "中文字符和ひらがなカタカナ漢字 テスト", "12345678 ½ 1,000,000",
    ]

    /// Kimi-K2 is left out: llama.cpp splits it with its own code, not its published expression
    /// (which also splits by letter case); VocabFixtureTests checks it against llama-tokenize.
    @Test("Same words as the regular expressions", arguments: PreTokenizer.allCases.filter { $0 != .kimiK2 })
    func sameWords(_ preTokenizer: PreTokenizer) throws {
        var texts = Self.edgeCases
        for name in VocabFixtureTests.vocabularies {
            let (_, pairs) = try VocabFixtureTests.cases(name)
            for pair in pairs {
                if let text = String(validating: pair.text, as: UTF8.self), !texts.contains(text) { texts.append(text) }
            }
        }
        let directory = try TemporaryDirectory()
        let casesPath = directory.path + "/cases.json"
        let cases = texts.map { ["pretokenizer": preTokenizer.rawValue, "text": $0] }
        try JSONSerialization.data(withJSONObject: cases).write(to: URL(fileURLWithPath: casesPath))
        let expected = try PythonOracle.json("pretokenize_split.py", [casesPath]) as! [[String]]
        #expect(expected.count == texts.count)
        var failures = 0
        for (text, words) in zip(texts, expected) {
            let ours = preTokenizer.words(in: Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) }
            if ours != words {
                failures += 1
                Issue.record("\(preTokenizer) \(text.debugDescription)\n  regex: \(words.map(\.debugDescription))\n  ours:  \(ours.map(\.debugDescription))")
            }
        }
        #expect(failures == 0)
    }
}
