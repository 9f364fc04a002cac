#!/usr/bin/env python3
"""Split texts with llama.cpp's published pre-tokenizer regular expressions, using the
`regex` module (which understands \\p{L}, \\p{N}, ...), the way llama.cpp applies them: each
expression in turn splits every piece of the previous one, and the text between matches is
kept as a piece of its own.

Usage: pretokenize_split.py CASES.json
CASES.json: [{"pretokenizer": NAME, "text": STRING}, ...]
Prints: JSON list, per case, of the list of pieces.
"""
import json
import sys

import regex

GPT2 = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)"
LLAMA3_HEAD = r"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
TAIL = r"\s*[\r\n]+|\s+(?!\S)|\s+"
CJK = "[一-龥ࠀ-一가-퟿]+"
# The six \uXXXX escapes are letters that Unicode normalization would fold into others.
DEEPSEEK_LETTERS = "\\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-\u1f7dᾀ-ᾴᾶ-ᾼ\u1fbeῂ-ῄῆ-ῌῐ-\u1fd3ῖ-\u1fdbῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤ\u2126ℨ\u212a-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃]+"

# llama.cpp's GPT4O expression (llama-vocab.cpp), the lookahead form it runs.
CONTRACTION = r"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?"
UPPERISH, LOWERISH = r"((?=[\p{L}])([^a-z]))", r"((?=[\p{L}])([^A-Z]))"
GPT4O = (r"[^\r\n\p{L}\p{N}]?" + UPPERISH + "*" + LOWERISH + "+" + CONTRACTION
         + r"|[^\r\n\p{L}\p{N}]?" + UPPERISH + "+" + LOWERISH + "*" + CONTRACTION
         + r"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|" + TAIL)

PASSES = {
    "default": [r"[\p{P}\$\+<=>\^~\|]+", GPT2, r"\p{N}+", r"[0-9][0-9][0-9]"],
    "gpt2": [GPT2],
    "llama3": [LLAMA3_HEAD + r"|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|" + TAIL],
    "qwen2": [LLAMA3_HEAD + r"|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|" + TAIL],
    "qwen35": [LLAMA3_HEAD + r"|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|" + TAIL],
    "starcoder": [r"\p{N}", GPT2],
    "falcon": [r"[\p{P}\$\+<=>\^~\|`]+", GPT2, r"[0-9][0-9][0-9]"],
    "deepseekCoder": [r"[\r\n]", r"\s?\p{L}+", r"\s?\p{P}+", CJK, r"\p{N}"],
    # `$` of std::regex is the end of the piece only: \Z here.
    "deepseekLLM": [r"[\r\n]", DEEPSEEK_LETTERS, "\\s?[!-/:-~！-／：-～‘-‟　-。]+",
                    r"\s+\Z", CJK, r"\p{N}+"],
    "gpt4o": [GPT4O],
    "deepseekV3": [r"\p{N}{1,3}", "[一-龥぀-ゟ゠-ヿ]+",
                   r"[!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|" + TAIL],
}


def split(text, passes):
    pieces = [text] if text else []
    for pattern in passes:
        compiled = regex.compile(pattern)
        out = []
        for piece in pieces:
            position = 0
            for match in compiled.finditer(piece):
                if match.start() > position:
                    out.append(piece[position:match.start()])
                if match.end() > match.start():
                    out.append(match.group())
                position = match.end()
            if position < len(piece):
                out.append(piece[position:])
        pieces = out
    return pieces


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    print(json.dumps([split(case["text"], PASSES[case["pretokenizer"]]) for case in cases], ensure_ascii=True))


if __name__ == "__main__":
    main()
