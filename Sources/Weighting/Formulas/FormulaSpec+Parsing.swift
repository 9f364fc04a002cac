import Foundation

extension FormulaSpec {
    /// The spec of a formula argument: a JSON object when the text starts with `{`, else the text.
    /// - Throws: ``FormulaError`` naming the text: `not a JSON object`, or what the object lacks.
    public init(parsing text: String) throws(FormulaError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("{") else {
            self = .text(text)
            return
        }
        do {
            self = try JSONDecoder().decode(FormulaSpec.self, from: Data(trimmed.utf8))
        } catch DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty {
            throw FormulaError(formula: trimmed, message: context.debugDescription)
        } catch {
            throw FormulaError(formula: trimmed, message: "not a JSON object")
        }
    }
}

extension FormulaSpec: CustomStringConvertible {
    /// A text as written; an object as compact JSON with sorted keys (for messages).
    public var description: String {
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        func members(_ parameters: [String: FormulaParameter]) -> [String] {
            parameters.keys.sorted().map { key in
                switch parameters[key]! {
                case .value(let value): "\(quoted(key)): \(value)"
                case .grid(let values): "\(quoted(key)): [\(values.map { "\($0)" }.joined(separator: ", "))]"
                }
            }
        }
        switch self {
        case .text(let text):
            return text
        case .named(let name, let parameters):
            return "{" + (["\"name\": \(quoted(name))"] + members(parameters)).joined(separator: ", ") + "}"
        case .expression(let expression, let parameters):
            return "{\"name\": \"expr\", \"expression\": \(quoted(expression)), \"parameters\": {"
                + members(parameters).joined(separator: ", ") + "}}"
        }
    }
}
