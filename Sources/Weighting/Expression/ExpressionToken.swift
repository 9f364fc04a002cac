/// One token of a formula expression, with its 1-based position.
struct ExpressionToken: Equatable {
    enum Kind: Equatable {
        case number(Float)
        case identifier(String)
        case symbol(Character)      // + - * / ^ ( ) ,
        case end
    }

    let kind: Kind
    let position: Int

    var text: String {
        switch kind {
        case .number(let value): "\(value)"
        case .identifier(let name): "'\(name)'"
        case .symbol(let symbol): "'\(symbol)'"
        case .end: "the end"
        }
    }
}

/// Splits a formula expression into tokens.
enum ExpressionLexer {
    static func tokens(_ source: String) throws(FormulaError) -> [ExpressionToken] {
        let characters = Array(source)
        var tokens: [ExpressionToken] = []
        var i = 0
        while i < characters.count {
            let c = characters[i]
            let position = i + 1
            if c.isWhitespace {
                i += 1
            } else if c.isNumber || (c == "." && i + 1 < characters.count && characters[i + 1].isNumber) {
                var j = i
                while j < characters.count, characters[j].isNumber || characters[j] == "." { j += 1 }
                if j < characters.count, characters[j] == "e" || characters[j] == "E" {
                    var k = j + 1
                    if k < characters.count, characters[k] == "+" || characters[k] == "-" { k += 1 }
                    if k < characters.count, characters[k].isNumber {
                        j = k
                        while j < characters.count, characters[j].isNumber { j += 1 }
                    }
                }
                let text = String(characters[i..<j])
                guard let value = Float(text) else {
                    throw FormulaError(formula: source, position: position, message: "malformed number '\(text)'")
                }
                tokens.append(ExpressionToken(kind: .number(value), position: position))
                i = j
            } else if c.isLetter || c == "_" {
                var j = i
                while j < characters.count, characters[j].isLetter || characters[j].isNumber || characters[j] == "_" { j += 1 }
                tokens.append(ExpressionToken(kind: .identifier(String(characters[i..<j])), position: position))
                i = j
            } else if "+-*/^(),".contains(c) {
                tokens.append(ExpressionToken(kind: .symbol(c), position: position))
                i += 1
            } else {
                throw FormulaError(formula: source, position: position, message: "unexpected character '\(c)'")
            }
        }
        tokens.append(ExpressionToken(kind: .end, position: characters.count + 1))
        return tokens
    }
}
