import Testing
import Kernels

@Suite("Located errors")
struct LocatedErrorTests {
    /// A located error of this suite's own, as a module would declare one.
    struct SampleError: LocatedError {
        var located: LocatedMessage
    }

    /// A cause to wrap.
    struct Underlying: Error, CustomStringConvertible {
        var description: String { "disk full" }
    }

    @Test("One line FILE: FIELD: MESSAGE, the file and the field escaped, the message as given")
    func rendering() {
        let error = SampleError(located: LocatedMessage(file: "model.gguf", field: "header.version",
                                                        message: "unsupported GGUF version 7 (supported: 2, 3)"))
        #expect("\(error)" == "model.gguf: header.version: unsupported GGUF version 7 (supported: 2, 3)")
        let damaged = SampleError(located: LocatedMessage(file: "a\nb.gguf", field: "blk.0\t.weight", message: "bad"))
        #expect(damaged.description == "a\\nb.gguf: blk.0\\t.weight: bad")
        #expect(damaged.located.verbatim == "a\nb.gguf: blk.0\t.weight: bad")
    }

    @Test("The file is kept whole up to 400 characters, the field up to the value limit")
    func limits() {
        let file = String(repeating: "f", count: 400), field = String(repeating: "k", count: 161)
        let error = SampleError(located: LocatedMessage(file: file, field: field, message: "m"))
        #expect(error.description.hasPrefix(file + ": "))
        #expect(error.description.contains("characters cut"))
    }

    @Test("File, field and message read and write through the located message; the cause is kept")
    func accessors() {
        var error = SampleError(located: LocatedMessage(file: "f", field: "g", message: "m", cause: Underlying()))
        error.field = "h"
        #expect(error.file == "f" && error.field == "h" && error.message == "m")
        #expect(error.cause is Underlying)
        #expect(error.description == "f: h: m")
    }

    @Test("Equal when they print the same and their causes print the same")
    func equality() {
        let plain = LocatedMessage(file: "f", field: "g", message: "m")
        let wrapped = LocatedMessage(file: "f", field: "g", message: "m", cause: Underlying())
        #expect(plain == LocatedMessage(file: "f", field: "g", message: "m"))
        #expect(plain != wrapped)
        #expect(wrapped == LocatedMessage(file: "f", field: "g", message: "m", cause: Underlying()))
    }
}
