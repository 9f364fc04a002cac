import ArgumentParser
import IMatrix

/// Output options shared by the commands that write an imatrix: `-o`, `--output-format`,
/// `--partial-data`.
struct ImatrixOutputOptions: ParsableArguments {
    @Option(name: [.short, .customLong("output")], help: "The imatrix file to write.")
    var output = "imatrix.gguf"

    @Option(name: .customLong("output-format"), help: "gguf (default; keeps per-expert counts) or dat (llama.cpp's legacy imatrix.dat).",
            transform: ImportanceMatrix.Format.reader("--output-format"))
    var outputFormat: ImportanceMatrix.Format?

    @Option(name: .customLong("partial-data"),
            help: "What to write for experts without tokens: keep (default), fill-one, ik, skip or prior=W (see README).",
            transform: PartialDataPolicy.reader("--partial-data"))
    var partialData: PartialDataPolicy?

    /// The chosen format; warns like llama-imatrix when GGUF goes to a name without `.gguf`.
    func format(warn: (String) -> Void) -> ImportanceMatrix.Format {
        guard let outputFormat else {
            if !output.hasSuffix(".gguf") {
                warn("warning: writing the GGUF imatrix format to \(output), whose name does not end in .gguf; use --output-format dat for llama.cpp's legacy format")
            }
            return .gguf
        }
        return outputFormat
    }
}

/// `--in-file A[,B…]` (repeatable) as a flat list of paths.
func splitFileList(_ values: [String]) -> [String] {
    values.flatMap { $0.split(separator: ",").map(String.init) }.filter { !$0.isEmpty }
}
