import ArgumentParser
import Foundation
import GGUF
import Harness
import Kernels
import Quantization

/// `imx quantize MODEL.gguf [OUT.gguf] TYPE [nthreads]`: llama-quantize's command, with any
/// weighting formula.
struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Quantize a GGUF model to a llama.cpp file type (Q4_K_M, IQ4_XS, …), as llama-quantize does, with any weighting formula.",
        discussion: """
        With the default formula (llama) the output is byte for byte llama-quantize's for the same input, type and \
        imatrix. TYPE is a file type as llama-quantize names it (Q4_K_M, Q3_K_S, Q2_K, IQ4_XS, Q6_K, Q8_0, F16, COPY, …) \
        or its number; with --pure every quantizable tensor gets the type's tensor type. Without OUT the output is \
        ggml-model-TYPE.gguf next to MODEL. --formula F quantizes every tensor with F, --formula REGEX=F the tensors \
        REGEX matches (recorded in the file as quantize.imx.formula and quantize.imx.formula_rules).
        """
    )

    @Argument(help: "MODEL.gguf [OUT.gguf] TYPE [nthreads]")
    var arguments: [String]

    @Option(help: "Importance matrix (GGUF or legacy imatrix.dat).")
    var imatrix: String?

    @Option(name: .customLong("include-weights"), help: "Use the imatrix only for tensors whose name contains this (repeatable).")
    var includeWeights: [String] = []

    @Option(name: .customLong("exclude-weights"), help: "Do not use the imatrix for tensors whose name contains this (repeatable).")
    var excludeWeights: [String] = []

    @Option(name: .customLong("tensor-type"), help: "REGEX=TYPE: tensors whose name matches get TYPE (repeatable, first match wins).")
    var tensorTypes: [String] = []

    @Option(name: .customLong("tensor-type-file"), help: "A file of REGEX=TYPE rules separated by spaces or newlines.")
    var tensorTypeFile: String?

    @Option(name: .customLong("output-tensor-type"), help: "Type of output.weight.",
            transform: TypeList.singleReader("--output-tensor-type", use: .any))
    var outputTensorType: GGMLType?

    @Option(name: .customLong("token-embedding-type"), help: "Type of token_embd.weight.",
            transform: TypeList.singleReader("--token-embedding-type", use: .any))
    var tokenEmbeddingType: GGMLType?

    @Flag(name: .customLong("leave-output-tensor"), help: "Leave output.weight as it is.")
    var leaveOutputTensor = false

    @Flag(help: "No k-quant mix: every quantizable tensor gets TYPE's tensor type.")
    var pure = false

    @Flag(name: .customLong("allow-requantize"), help: "Allow tensors that are already quantized to be quantized again.")
    var allowRequantize = false

    @Option(name: .customLong("override-kv"), help: "KEY=TYPE:VALUE written into the output's metadata (repeatable).")
    var overrideKV: [String] = []

    @Flag(name: .customLong("keep-split"), help: "Write one output file per input split, as llama-quantize --keep-split.")
    var keepSplit = false

    @Flag(name: .customLong("dry-run"), help: "Print each tensor's type and size and the totals; write nothing.")
    var dryRun = false

    @Option(help: "Weighting formula: F for every tensor, or REGEX=F for the tensors it matches (repeatable, first match wins).")
    var formula: [String] = []

    @OptionGroup var threadOptions: ThreadOptions

    func validate() throws {
        guard includeWeights.isEmpty || excludeWeights.isEmpty else {
            throw CommandError("--include-weights and --exclude-weights cannot be used together")
        }
    }

    func run() throws {
        let settings = try makeSettings()
        if !settings.dryRun {
            let model = try GGUFFile(path: settings.input)
            let outputs = ModelQuantizeRun.outputPaths(settings, splitCount: ModelQuantizeRun.splitCount(of: model, settings))
            let inputs = model.paths + (settings.imatrix.map { [$0] } ?? []) + (tensorTypeFile.map { [$0] } ?? [])
            try OutputCheck.prepare(outputs: outputs, inputs: inputs)
        }
        let verb = settings.dryRun ? "sizing" : "quantizing"
        Console.write("quantize: \(verb) \(settings.input) as \(settings.fileType.name)\(settings.dryRun ? "" : " to \(settings.output)") with \(settings.threads) threads\n")
        let summary = try ModelQuantizeRun.run(settings) { print($0) }
        for line in summary.totalLines { print(line) }
        for path in summary.files { print("wrote \(path)") }
    }

    private func makeSettings() throws -> QuantizeSettings {
        let positional = try QuantizePositionals(arguments)
        var settings = QuantizeSettings(input: positional.input, output: positional.output, fileType: positional.fileType,
                                        threads: positional.threads ?? threadOptions.threads)
        settings.imatrix = imatrix
        settings.includeWeights = includeWeights
        settings.excludeWeights = excludeWeights
        settings.pure = pure
        settings.leaveOutputTensor = leaveOutputTensor
        settings.outputTensorType = outputTensorType
        settings.tokenEmbeddingType = tokenEmbeddingType
        settings.tensorTypes = try tensorTypeRules()
        settings.allowRequantize = allowRequantize
        settings.metadataOverrides = try overrideKV.flatMap { try MetadataOverride.parseList($0) }
        settings.dryRun = dryRun
        settings.keepSplit = keepSplit
        for argument in formula { try settings.formulas.add(argument) }
        return settings
    }

    private func tensorTypeRules() throws -> [TensorTypeOverride] {
        var texts = tensorTypes
        if let tensorTypeFile {
            guard let contents = FileManager.default.contents(atPath: tensorTypeFile) else {
                throw CommandError("\(tensorTypeFile): --tensor-type-file: cannot read")
            }
            texts += String(decoding: contents, as: UTF8.self).split(whereSeparator: \.isWhitespace).map(String.init)
        }
        return try texts.map { text in
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex, text.index(after: equals) != text.endIndex else {
                throw CommandError("--tensor-type: '\(text)' is not REGEX=TYPE")
            }
            let type = try TypeList.single(String(text[text.index(after: equals)...]), option: "--tensor-type \(text)", use: .any)
            return TensorTypeOverride(pattern: text[..<equals].lowercased(), type: type)
        }
    }
}

/// The positional arguments: `MODEL [OUT] TYPE [nthreads]`, read as llama-quantize reads them.
struct QuantizePositionals {
    let input: String
    let output: String
    let fileType: QuantizationFileType
    let threads: Int?

    init(_ arguments: [String]) throws {
        guard arguments.count >= 2 else { throw CommandError("quantize: give MODEL.gguf [OUT.gguf] TYPE [nthreads]") }
        input = arguments[0]
        var rest = Array(arguments.dropFirst())
        if let direct = QuantizationFileType.parse(rest[0]) {
            fileType = direct
            let folder = (input as NSString).deletingLastPathComponent
            output = (folder.isEmpty ? "" : folder + "/") + "ggml-model-\(direct.name).gguf"
            rest.removeFirst()
        } else {
            output = rest.removeFirst()
            guard let typeText = rest.first else { throw CommandError("quantize: missing TYPE after \(output)") }
            guard let parsed = QuantizationFileType.parse(typeText) else {
                let names = QuantizationFileType.all.map(\.name).joined(separator: ", ")
                throw CommandError("TYPE: unknown file type '\(typeText)' (one of: \(names))")
            }
            fileType = parsed
            rest.removeFirst()
        }
        if let text = rest.first {
            guard let count = Int(text), count > 0, rest.count == 1 else { throw CommandError("nthreads: '\(rest.joined(separator: " "))' is not one positive thread count") }
            threads = count
        } else {
            threads = nil
        }
    }
}

