/// Strict RFC 8259 syntax for config files, checked before Foundation's parser (which accepts
/// trailing commas and more): every problem is reported with its line and column, e.g.
/// `line 14, column 1: trailing comma before '}'`.
enum JSONSyntaxCheck {
    /// Objects and arrays may nest this deep.
    static let maximumDepth = 128

    /// The first syntax error in `bytes`, or nil when they are one valid JSON value.
    static func firstError(in bytes: [UInt8]) -> String? {
        var scanner = Scanner(bytes: bytes)
        do throws(Failure) {
            scanner.skipSpace()
            try scanner.value(depth: 0)
            scanner.skipSpace()
            guard scanner.index == bytes.count else { throw scanner.failure("unexpected text after the JSON value") }
            return nil
        } catch {
            return error.message
        }
    }

    struct Failure: Error { let message: String }

    struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        func failure(_ message: String) -> Failure {
            var line = 1, column = 1
            for byte in bytes[..<min(index, bytes.count)] {
                if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
            }
            return Failure(message: "line \(line), column \(column): \(message)")
        }

        func found() -> String {
            guard let byte = current else { return "the end of the file" }
            return byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
        }

        mutating func skipSpace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        mutating func value(depth: Int) throws(Failure) {
            guard depth < JSONSyntaxCheck.maximumDepth else { throw failure("nested more than \(JSONSyntaxCheck.maximumDepth) levels deep") }
            switch current {
            case UInt8(ascii: "{"): try container(close: UInt8(ascii: "}"), depth: depth, keyed: true)
            case UInt8(ascii: "["): try container(close: UInt8(ascii: "]"), depth: depth, keyed: false)
            case UInt8(ascii: "\""): try string()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case let byte? where byte == UInt8(ascii: "-") || (0x30...0x39).contains(byte): try number()
            default: throw failure("expected a value, found \(found())")
            }
        }

        mutating func container(close: UInt8, depth: Int, keyed: Bool) throws(Failure) {
            index += 1
            skipSpace()
            if current == close { index += 1; return }
            while true {
                if keyed {
                    guard current == UInt8(ascii: "\"") else {
                        throw failure(current == close ? "trailing comma before '\(Character(Unicode.Scalar(close)))'"
                                                       : "expected a key in double quotes, found \(found())")
                    }
                    try string()
                    skipSpace()
                    guard current == UInt8(ascii: ":") else { throw failure("expected ':' after the key, found \(found())") }
                    index += 1
                    skipSpace()
                } else if current == close {
                    throw failure("trailing comma before ']'")
                }
                try value(depth: depth + 1)
                skipSpace()
                if current == UInt8(ascii: ",") { index += 1; skipSpace(); continue }
                guard current == close else {
                    throw failure("expected ',' or '\(Character(Unicode.Scalar(close)))', found \(found())")
                }
                index += 1
                return
            }
        }

        mutating func string() throws(Failure) {
            index += 1
            while let byte = current {
                switch byte {
                case UInt8(ascii: "\""): index += 1; return
                case UInt8(ascii: "\\"):
                    index += 1
                    guard let escape = current else { break }
                    if escape == UInt8(ascii: "u") {
                        for _ in 0..<4 {
                            index += 1
                            guard let digit = current, digit.isHexDigit else { throw failure("bad \\u escape in a string") }
                        }
                    } else if !"\"\\/bfnrt".utf8.contains(escape) {
                        throw failure("bad escape '\\\(Character(Unicode.Scalar(escape)))' in a string")
                    }
                    index += 1
                case 0..<0x20: throw failure("control character in a string (write it as an escape)")
                default: index += 1
                }
            }
            throw failure("unterminated string")
        }

        mutating func literal(_ word: String) throws(Failure) {
            for expected in word.utf8 {
                guard current == expected else { throw failure("expected '\(word)', found \(found())") }
                index += 1
            }
        }

        mutating func number() throws(Failure) {
            if current == UInt8(ascii: "-") { index += 1 }
            guard let first = current, first.isDigit else { throw failure("expected a digit, found \(found())") }
            index += 1
            if first != UInt8(ascii: "0") { while current?.isDigit == true { index += 1 } }
            if current == UInt8(ascii: ".") {
                index += 1
                guard current?.isDigit == true else { throw failure("expected a digit after '.', found \(found())") }
                while current?.isDigit == true { index += 1 }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard current?.isDigit == true else { throw failure("expected a digit in the exponent, found \(found())") }
                while current?.isDigit == true { index += 1 }
            }
        }
    }
}

private extension UInt8 {
    var isDigit: Bool { (0x30...0x39).contains(self) }
    var isHexDigit: Bool { isDigit || (0x41...0x46).contains(self) || (0x61...0x66).contains(self) }
}
