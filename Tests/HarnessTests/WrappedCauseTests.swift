import Testing
import GGUF
import Harness
import IMatrix
import Kernels
import TestSupport
import Weighting

/// Errors that restate another error's explanation keep that error as their cause, while the
/// printed line stays the restatement.
@Suite("Wrapped causes")
struct WrappedCauseTests {
    @Test("A --formula argument that is no formula keeps the formula's error")
    func formulaArgument() {
        var rules = FormulaRules()
        let error = #expect(throws: QuantizeError.self) { try rules.add("blk=pow(qw,)") }
        #expect(error?.cause is FormulaError)
        #expect(error.map { $0.message == "\($0.cause!)" } == true)
        #expect(error?.description.hasPrefix("--formula: blk=pow(qw,): ") == true)
    }

    @Test("An imatrix that is not a readable GGUF keeps the file's GGUFError, same file, field and message")
    func imatrixFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("missing.gguf")
        let error = #expect(throws: ImatrixError.self) { try ImatrixGGUFFormat.decode(path: path) }
        let cause = try #require(error?.cause as? GGUFError)
        #expect(error?.field == cause.field && error?.message == cause.message && error?.file == path)
        #expect(error?.description == cause.description)
    }

    @Test("A report that cannot be written keeps the write error; the line is PATH: output: cannot write: REASON")
    func reportFile() {
        let error = #expect(throws: ReportFile.WriteError.self) { try ReportFile.write("x", to: "/nonexistent-folder/report.svg") }
        #expect(error?.cause is AtomicFile.WriteError)
        #expect(error?.description.hasPrefix("/nonexistent-folder/report.svg: output: cannot write: ") == true)
    }
}
