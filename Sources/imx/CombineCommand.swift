import ArgumentParser
import Foundation
import IMatrix
import Kernels

/// `imx combine A B … -o OUT`: adds imatrix files as llama-imatrix's `--in-file` does.
struct CombineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "combine",
        abstract: "Combine imatrix files (GGUF or legacy) into one, weighting each by its token counts.",
        discussion: """
            GGUF inputs add sums and counts element-wise, so the result is the token-weighted \
            mean; legacy inputs count as ncall × -c tokens (llama.cpp's rule). Datasets are \
            listed in input order. Files of different models are refused. No model is needed.
            """
    )

    @Argument(help: "Imatrix files to combine (at least one).")
    var inputs: [String]

    @OptionGroup var outputOptions: ImatrixOutputOptions

    @Option(name: [.short, .customLong("context")],
            help: "Chunk size C: imatrix.chunk_size, legacy ncall = ⌈count / C⌉, legacy inputs scaled by C (default: the first GGUF input's chunk size, else 512).")
    var context: Int?

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one imatrix file") }
        if let context, context < 1 { throw ValidationError("-c/--context must be positive, got \(context)") }
    }

    func run() throws {
        try ImatrixFileCommand.merge(inputs, context: context, outputOptions: outputOptions, verb: "combined")
    }
}

/// `imx convert IN -o OUT --output-format dat|gguf [-c C]`.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert an imatrix between the GGUF format and llama.cpp's legacy imatrix.dat.",
        discussion: """
            GGUF → dat writes (Σx²/count)·ncall with ncall = ⌈max count / C⌉ and stores experts \
            without tokens as importance 1, byte for byte as llama-imatrix --output-format dat. \
            dat → GGUF rebuilds sums as stored × C with count ncall × C (per-expert counts are \
            not in a legacy file, so an expert tensor becomes one flat entry).
            """
    )

    @Argument(help: "The imatrix file to convert.")
    var input: String

    @OptionGroup var outputOptions: ImatrixOutputOptions

    @Option(name: [.short, .customLong("context")],
            help: "Chunk size C (default: the input's imatrix.chunk_size, else 512).")
    var context: Int?

    func validate() throws {
        if let context, context < 1 { throw ValidationError("-c/--context must be positive, got \(context)") }
    }

    func run() throws {
        try ImatrixFileCommand.merge([input], context: context, outputOptions: outputOptions, verb: "converted")
    }
}

/// What combine and convert share: read, merge, write, report.
enum ImatrixFileCommand {
    static func merge(_ paths: [String], context: Int?, outputOptions: ImatrixOutputOptions, verb: String) throws {
        func note(_ line: String) { Console.note(line) }
        try OutputCheck.prepare(outputs: [outputOptions.output], inputs: paths)
        let format = outputOptions.format(warn: note)
        let policy = outputOptions.partialData
        var files: [ImportanceMatrix] = []
        for path in paths { files.append(try ImportanceMatrix.read(path: path)) }
        let chunkSize = context ?? ImatrixMerge.defaultChunkSize(files)
        let collection = try ImatrixMerge.combine(files, chunkSize: chunkSize)
        let report = try ImatrixWriter(format: format, chunkSize: chunkSize, policy: policy)
            .write(collection, to: outputOptions.output)
        for (name, decision) in report.decisions {
            print("partial data: \(name): experts without tokens \(decision.missing) → \(decision.summary)")
        }
        print("\(verb) \(paths.count) file\(paths.count == 1 ? "" : "s"): \(report.writtenEntries) of \(report.totalEntries) entries, "
              + "\(collection.chunkCount) chunks of \(chunkSize), datasets \(collection.datasets) → \(outputOptions.output) (\(format.rawValue))")
    }
}
