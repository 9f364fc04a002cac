import ArgumentParser
import GGUF
import Harness

/// `imx inspect MODEL.gguf [--json] [--tensors]`: what a GGUF file holds.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a GGUF file's architecture, hyper-parameters, tokenizer, file type and tensor types."
    )

    @Argument(help: "The GGUF file (model, vocab-only or imatrix).")
    var file: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Flag(help: "Also list every tensor: name, type, shape, bytes.")
    var tensors = false

    func run() throws {
        let gguf = try GGUFFile(path: file)
        let summary = try ModelSummary(gguf, includeTensors: tensors)
        if json {
            try JSONOutput.print(summary)
        } else {
            print(ModelSummaryText.render(summary))
        }
    }
}
