import Foundation
import Testing
import Weighting

/// `FormulaSpec`: the one description of a formula as written, read by `--formula` and by a
/// sweep config's `formulas`.
@Suite("Formula specs")
struct FormulaSpecTests {
    static let registry = FormulaRegistry.standard

    static func decode(_ json: String) throws -> FormulaSpec {
        try JSONDecoder().decode(FormulaSpec.self, from: Data(json.utf8))
    }

    @Test("A string is a text, an object a named formula or an expression, arrays are grid axes")
    func decoding() throws {
        #expect(try Self.decode(#""lognormal(0.5)""#) == .text("lognormal(0.5)"))
        #expect(try Self.decode(#"{"name": "lognormal", "lambda": 0.25}"#) == .named("lognormal", parameters: ["lambda": .value(0.25)]))
        let expression = try Self.decode(#"{"name": "expr", "expression": "a*qw", "parameters": {"a": [1, 2]}, "note": "ignored"}"#)
        #expect(expression == .expression("a*qw", parameters: ["a": .grid([1, 2])]))
        #expect(expression.family == "expr" && expression.fixing(["a": 2]) == .expression("a*qw", parameters: ["a": .value(2)]))
        #expect(try Self.decode(#""pow(qw, 0.8)*x""#).family == "pow")
    }

    @Test("Encoding and decoding give the same spec back")
    func roundTrip() throws {
        let specs: [FormulaSpec] = [.text("llama"), .named("floor", parameters: ["eps": .value(0.01)]),
                                    .expression("a*qw + b", parameters: ["a": .value(3), "b": .grid([0, 1])])]
        for spec in specs {
            #expect(try JSONDecoder().decode(FormulaSpec.self, from: JSONEncoder().encode(spec)) == spec)
        }
    }

    @Test("The command line's text and the config's object build the same formula")
    func sameFormula() throws {
        let fromText = try Self.registry.parse(#"{"name": "lognormal", "lambda": 0.5}"#)
        let fromObject = try Self.registry.formula(Self.decode(#"{"name": "lognormal", "lambda": 0.5}"#))
        let fromName = try Self.registry.parse("lognormal(0.5)")
        #expect(fromText.description == "lognormal(lambda=0.5)")
        #expect(fromObject.description == fromText.description && fromName.description == fromText.description)
        let expression = try Self.registry.formula(.expression("a*qw", parameters: ["a": .value(3)]))
        #expect(expression.needsImportance)
    }

    @Test("Malformed objects name what is wrong", arguments: [
        (#"{"lambda": 1}"#, #"JSON formula needs a string "name""#),
        (#"{"name": 3}"#, #"JSON formula needs a string "name""#),
        (#"{"name": "expr", "parameters": {}}"#, #"an expr formula needs a string "expression""#),
        (#"{"name": "lognormal", "lambda": "half"}"#, #""lambda" must be a number"#),
        (#"{"name": "lognormal", "lambda": true}"#, #""lambda" must be a number"#),
        (#"{"name": "lognormal", "lambda": [0, 1]}"#, #""lambda" must be a number"#),
        (#"{"name": "lognormal", "gamma": 1}"#, "lognormal has no parameter 'gamma'"),
        (#"{"name": "lognormal""#, "not a JSON object"),
    ])
    func malformed(text: String, expected: String) throws {
        do {
            _ = try Self.registry.parse(text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.message.hasPrefix(expected), "\(text): \(error)")
            #expect(error.formula == text)
        }
    }
}
