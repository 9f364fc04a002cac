/// llama.cpp's clean-up of decoded byte-level BPE text (`clean_spaces`), three passes over the
/// bytes: drop the space before `?`, `!`, `.`, `,`; turn ` ' ` into `'`; drop the space before
/// the contractions `'s`, `'m`, `'re`, `'ve` (not `'t`, `'d`, `'ll`).
enum SpaceCleaning {
    static func clean(_ input: [UInt8]) -> [UInt8] {
        var text = input
        // Pass 1.
        var kept = text.isEmpty ? 0 : 1
        for i in 1..<max(text.count, 1) {
            let x = text[i]
            if text[i - 1] == 0x20 && (x == 0x3F || x == 0x21 || x == 0x2E || x == 0x2C) { kept -= 1 }
            text[kept] = x
            kept += 1
        }
        text.removeSubrange(kept...)
        // Pass 2: a lone apostrophe between spaces loses both spaces.
        var scratch = text
        kept = scratch.isEmpty ? 0 : 1
        var i = 1
        while i < scratch.count {
            let x = scratch[i]
            if x == 0x27 && i + 1 < scratch.count && scratch[i - 1] == 0x20 && scratch[i + 1] == 0x20 {
                kept -= 1
                scratch[i + 1] = 0   // the next space is replaced by NUL, as llama.cpp does
                text[kept] = x
                kept += 1
                i += 2
                continue
            }
            text[kept] = x
            kept += 1
            i += 1
        }
        text.removeSubrange(kept...)
        // Pass 3.
        let third = text
        kept = third.isEmpty ? 0 : 1
        for i in 1..<max(third.count, 1) {
            let x = third[i]
            if third[i - 1] == 0x20 && x == 0x27 && i + 1 < third.count {
                let x1 = third[i + 1]
                if x1 == 0x73 || x1 == 0x6D {                       // 's 'm
                    kept -= 1
                } else if x1 != 0x74 && x1 != 0x64 && i + 2 < third.count {
                    let x2 = third[i + 2]
                    if (x1 == 0x72 && x2 == 0x65) || (x1 == 0x76 && x2 == 0x65) { kept -= 1 }   // 're 've
                }
            }
            text[kept] = x
            kept += 1
        }
        text.removeSubrange(kept...)
        return text
    }
}
