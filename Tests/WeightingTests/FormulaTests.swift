import Foundation
import Testing
import GGUF
import Quantization
import TestSupport
import Weighting

/// Formulas as values: the registry, the built-ins' identities with ggml, and expressions.
@Suite("Weight formulas")
struct FormulaTests {
    static let registry = FormulaRegistry.standard

    /// Quantizes a fixture case's input with `formula` the way scoring does.
    static func bytes(_ fixture: QuantFixtures.Case, _ formula: any WeightFormula) throws -> [UInt8] {
        let type = try #require(GGMLType(name: fixture.type))
        let x = try RawFiles.floats(fixture.inputPath)
        let qw = try fixture.importancePath.map(RawFiles.floats)
        let mean = qw.map { Float($0.reduce(0.0) { $0 + Double($1) } / Double($0.count)) } ?? 1
        let weighting = formula.weighting(context: FormulaContext(meanImportance: mean), hasImportance: qw != nil)
        return try QuantFixtures.quantize(type, x, rows: fixture.rows, rowLength: fixture.rowLength, importance: qw, weighting: weighting)
    }

    static func cases(importance: Bool) throws -> [QuantFixtures.Case] {
        try QuantFixtures.cases().filter { $0.importance == importance && (GGMLType(name: $0.type).map(RowQuantizer.supports) ?? false) }
    }

    @Test("llama, lognormal(0), floor(0) and the llama expression give ggml's bytes on every importance case",
          .needsFixtures, arguments: ["llama", "lognormal(0)", "floor(eps=0)", #"{"name": "lognormal", "lambda": 0}"#])
    func llamaIdentities(_ text: String) throws {
        let formula = try Self.registry.parse(text)
        for fixture in try Self.cases(importance: true) {
            #expect(try Self.bytes(fixture, formula) == RawFiles.bytes(fixture.quantizedPath), "\(text): \(fixture)")
        }
    }

    @Test("The expression qw*sqrt(sigma2 + x*x) is ggml's rule bit for bit (types other than Q6_K)", .needsFixtures)
    func expressionMatchesGGML() throws {
        let formula = try Self.registry.parse("qw*sqrt(sigma2 + x*x)")
        for fixture in try Self.cases(importance: true) where fixture.type != "Q6_K" {
            #expect(try Self.bytes(fixture, formula) == RawFiles.bytes(fixture.quantizedPath), "\(fixture)")
        }
    }

    @Test("Without importance, llama is ggml's reference path", .needsFixtures)
    func llamaWithoutImportance() throws {
        let formula = try Self.registry.parse("llama")
        for fixture in try Self.cases(importance: false) {
            #expect(try Self.bytes(fixture, formula) == RawFiles.bytes(fixture.quantizedPath), "\(fixture)")
        }
    }

    @Test("Q6_K with qw alone equals ggml (ggml's Q6_K rule is qw alone)", .needsFixtures)
    func q6KImportanceOnly() throws {
        let formula = try Self.registry.parse("qw")
        for fixture in try Self.cases(importance: true) where fixture.type == "Q6_K" {
            #expect(try Self.bytes(fixture, formula) == RawFiles.bytes(fixture.quantizedPath), "\(fixture)")
        }
    }

    @Test("Built-in weights per element")
    func builtinWeights() throws {
        let x: [Float] = [0.5, -2, 0, 3]
        let qw: [Float] = [4, 1, 9, 0]
        let span = WeightSpan(type: .q4_K, sigma2: 0.25)
        func weights(_ text: String, mean: Float = 1) throws -> [Float] {
            let weighting = try #require(try Self.registry.parse(text).weighting(context: FormulaContext(meanImportance: mean), hasImportance: true))
            var out = [Float](repeating: .nan, count: 4)
            x.withUnsafeBufferPointer { xs in
                qw.withUnsafeBufferPointer { q in
                    out.withUnsafeMutableBufferPointer { weighting.fill($0.baseAddress!, x: xs.baseAddress!, importance: q.baseAddress!, count: 4, span: span) }
                }
            }
            return out
        }
        #expect(try weights("qw") == qw)
        #expect(try weights("abs-x") == [0.5, 2, 0, 3])
        #expect(try weights("x2") == [0.25, 4, 0, 9])
        #expect(try weights("uniform") == [1, 1, 1, 1])
        #expect(try weights("sigma2-plus-x2") == [4 * 0.5, 1 * 4.25, 9 * 0.25, 0])
        #expect(try weights("sqrt-sigma2-plus-x2") == [Float(0.5).squareRoot(), Float(4.25).squareRoot(), 0.5, Float(9.25).squareRoot()])
        #expect(try weights("llama") == [4 * Float(0.5).squareRoot(), Float(4.25).squareRoot(), 9 * 0.5, 0])
        #expect(try weights("floor(0.5)", mean: 2) == [5 * Float(0.5).squareRoot(), 2 * Float(4.25).squareRoot(), 10 * 0.5, 1 * Float(9.25).squareRoot()])
        let half = try weights("lognormal(lambda=0.5)")
        #expect(abs(half[0] - 2 * Float(0.5).squareRoot()) < 1e-6 && half[3] == 0)
        #expect(try weights("pow(qw + 0.5*mean_qw, 1) * sqrt(sigma2 + x*x)", mean: 2) == weights("floor(0.5)", mean: 2))
        #expect(try weights("-x^2 + 2*3 - 1/x") == x.map { -($0 * $0) + 6 - 1 / $0 })
        #expect(try weights("max(min(x, 1), -1) * exp(log(2))") == x.map { max(min($0, 1), -1) * expf(logf(2)) })
    }

    @Test("Expression parameters from JSON; n_tokens and mean_qw are per-tensor constants")
    func expressionParameters() throws {
        let formula = try Self.registry.parse(#"{"name": "expr", "expression": "a*qw + n_tokens", "parameters": {"a": 3}}"#)
        let weighting = try #require(formula.weighting(context: FormulaContext(meanImportance: 1, tokenCount: 100), hasImportance: true))
        var out: [Float] = [0, 0]
        let x: [Float] = [1, 2], qw: [Float] = [2, 5]
        x.withUnsafeBufferPointer { xs in qw.withUnsafeBufferPointer { q in out.withUnsafeMutableBufferPointer {
            weighting.fill($0.baseAddress!, x: xs.baseAddress!, importance: q.baseAddress!, count: 2, span: WeightSpan(type: .q4_0, sigma2: 0))
        } } }
        #expect(out == [106, 115])
        #expect(formula.needsImportance)
        #expect(try !Self.registry.parse("x*x + sigma2").needsImportance)
    }

    @Test("A list splits at top-level commas only")
    func lists() throws {
        let formulas = try Self.registry.parseList("llama,lognormal(0.5),pow(qw, 0.8)*sqrt(2*sigma2 + x*x),floor(eps=0.1)")
        #expect(formulas.map(\.description) == ["llama", "lognormal(lambda=0.5)", "pow(qw, 0.8)*sqrt(2*sigma2 + x*x)", "floor(eps=0.1)"])
    }

    @Test("Bad formulas: clear one-line errors, with the position for expressions", arguments: [
        ("lama", nil, "unknown formula name 'lama'"),
        ("pow(qw,)", 8, "expected a number, a name or '(', found ')'"),
        ("qw * (x + 1", 12, "expected ')', found the end"),
        ("qw $ x", 4, "unexpected character '$'"),
        ("sqrt(qw, x)", 1, "sqrt takes 1 argument, got 2"),
        ("foo(x)", 1, "unknown function 'foo'"),
        ("qw * bogus", 6, "unknown name 'bogus'"),
        ("qw x", 4, "expected an operator or the end, found 'x'"),
        ("lognormal(gamma=1)", nil, "lognormal has no parameter 'gamma'"),
        ("lognormal(abc)", nil, "argument 'abc' of lognormal is not a number"),
        (#"{"lambda": 1}"#, nil, "JSON formula needs a string \"name\""),
        ("", nil, "empty formula"),
    ] as [(String, Int?, String)])
    func badFormulas(_ text: String, _ position: Int?, _ message: String) {
        do {
            _ = try Self.registry.parse(text)
            Issue.record("'\(text)' parsed")
        } catch {
            #expect(error.position == position, "\(error)")
            #expect(error.message.contains(message), "\(error)")
            #expect(!error.description.contains("\n"))
        }
    }
}

/// The checks that keep a formula from reaching a quantizer with weights it cannot use.
@Suite("Formula guards")
struct FormulaGuardTests {
    @Test("Every built-in and the usual expressions pass the probes; NaN, infinite or negative weights do not")
    func probes() throws {
        let registry = FormulaRegistry.standard
        for name in registry.names + ["lognormal(0.25)", "lognormal(1)", "floor(0.01)", "qw*sqrt(sigma2 + x*x)", "pow(qw, 0.8)*x*x", "qw + 1e-3*mean_qw"] {
            let formula = try registry.parse(name)
            #expect(FormulaProbe.problem(formula) == nil, "\(name): \(FormulaProbe.problem(formula) ?? "")")
        }
        for bad in ["qw/0", "log(-1)", "sqrt(-qw)", "-qw", "1e999", "x", "log(qw)", "1/abs(x)", "qw - 1"] {
            let formula = try registry.parse(bad)
            let problem = try #require(FormulaProbe.problem(formula), "\(bad) passed the probes")
            #expect(problem.contains("weights must be finite and at least 0"), "\(bad): \(problem)")
        }
    }

    @Test("Nesting is bounded: a formula 40,000 levels deep is a one-line error, not a stack overflow")
    func nestingIsBounded() {
        for deep in [String(repeating: "(", count: 40_000) + "qw" + String(repeating: ")", count: 40_000),
                     String(repeating: "-", count: 50_000) + "qw",
                     "qw" + String(repeating: "^qw", count: 50_000)] {
            #expect { try FormulaRegistry.standard.parse(deep) } throws: { error in
                let text = "\(error)"
                return text.contains("nests more than \(256) levels deep") && !text.contains("\n") && text.count <= 1000
            }
        }
        #expect(throws: Never.self) { try FormulaRegistry.standard.parse(String(repeating: "(", count: 200) + "qw" + String(repeating: ")", count: 200)) }
    }

    @Test("Fuzzing finds: an empty argument to a name (qw(,…)) was a nil unwrap; now a one-line error")
    func emptyArgument() {
        for text in ["qw(,^x)", "lognormal(,)", "floor(=)"] {
            #expect { try FormulaRegistry.standard.parse(text) } throws: { error in
                "\(error)".hasPrefix("formula '") && !"\(error)".contains("\n")
            }
        }
    }
}

