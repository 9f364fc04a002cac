import ArgumentParser
import Diagnosis
import Foundation
import Harness
import Kernels
import Reports

/// `imx diagnose -m MODEL -f TEXT [--tensors REGEX] [--bits 2,3,4] [--json] [--html FILE]`:
/// why a tensor is hard to quantize.
struct DiagnoseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "Why tensors are hard to quantize: weight and activation structure, error × activation-power decomposition, AWQ-style saliency and scale search.",
        discussion: """
            One forward pass over the text collects, for every weight product whose name matches \
            --tensors, per input column Σx, Σ|x|, Σx², Σx⁴, max|x| and outlier counts (per expert \
            for expert tensors), and a reservoir sample of --sample-rows input rows; the imatrix is \
            collected in the same pass (-o writes it). Then each tensor is diagnosed: weight \
            moments, percentiles and per-16-group offset importance with 2-bit errors; activation \
            power per column; per column activation RMS × weight RMSE of --bits round-to-nearest \
            (groups of --group-size with offset); saliency |W|·mean|x|; and the AWQ scale search \
            (α over 0…1 in 21 steps minimising ‖Wx − Ŵx‖/‖Wx‖ on the sampled rows) next to ggml's \
            quantizer of the same bits with the llama formula and with --formula or a sweep's \
            best formula. --dump writes f32bin files (int64 rows, int64 columns, float32 row-major).
            """
    )

    @OptionGroup var textRun: TextRunOptions

    @Option(help: "Tensors to diagnose: a regular expression searched in the tensor name.")
    var tensors = "^blk\\."

    @Option(help: "Bit widths for the decomposition and the scale search (comma-separated, each 2…8). (default: 2,3,4)",
            transform: { try DiagnoseCommand.parseBits($0) })
    var bits = [2, 3, 4]

    @Option(name: .customLong("group-size"), help: "Elements per group of the round-to-nearest baseline.")
    var groupSize = 32

    @Option(name: .customLong("sample-rows"), help: "Input rows sampled per tensor for the scale search (0: no search).")
    var sampleRows = 512

    @Option(help: "Write blk_<i>_<name>_weight.f32bin and act_blk<i>_<input>.f32bin into this folder.")
    var dump: String?

    @Option(name: [.short, .customLong("output")], help: "Also write the imatrix collected in the same pass (GGUF format).")
    var output: String?

    @Option(help: "Compare ggml's quantizers with this imatrix instead of the collected one.")
    var imatrix: String?

    @Option(help: "A formula to compare with llama at every type (e.g. 'lognormal(lambda=0.5)').")
    var formula: String?

    @Option(help: "A sweep output folder: its best formula per type (least eval KLD) is compared with llama.")
    var sweep: String?

    @Flag(help: "Print JSON (snake_case) instead of the tables.")
    var json = false

    @Option(help: "Write a self-contained HTML report (findings, tables and figures) to this file.")
    var html: String?

    @Option(help: "Write the figures as SVG files into this folder.")
    var svg: String?

    @OptionGroup var threadOptions: ThreadOptions

    func run() throws {
        func note(_ line: String) { Console.note(line) }
        try OutputCheck.prepare(outputs: [output, html].compactMap { $0 },
                                inputs: [textRun.model, textRun.file] + [imatrix].compactMap { $0 })
        var settings = DiagnosisRun.Settings(modelPath: textRun.model, textPath: textRun.file)
        settings.tensorPattern = tensors
        settings.bits = bits
        settings.groupSize = groupSize
        settings.sampleRows = sampleRows
        settings.text = try textRun.settings(threads: threadOptions.threads)
        settings.dumpDirectory = dump
        settings.imatrixOutput = output
        settings.imatrixInput = imatrix
        settings.formula = formula
        settings.sweepDirectory = sweep
        _ = try DiagnosisRun.validate(settings)
        if let html { try OutputLocation.checkWritable(html) }
        if let svg { try ReportFile.makeDirectory(svg) }

        var progress: ProgressLine?
        var tensorCount = 0, diagnosed = 0, passSeconds = 0.0, tokens = 0
        let start = Date()
        let result = try DiagnosisRun(settings: settings).run(
            onStart: { names, chunks in
                tensorCount = names.count
                progress = ProgressLine(total: chunks, tokensPerUnit: settings.contextLength)
                tokens = chunks * settings.contextLength
                note("diagnose: \(names.count) tensors, \(chunks) chunks of \(settings.contextLength), \(settings.threads) threads")
            },
            onChunk: { done, seconds in
                passSeconds = seconds
                if let progress { Console.write(progress.text(done: done)) }
            },
            onTensor: { tensor in
                diagnosed += 1
                Console.progress("diagnosed \(diagnosed)/\(tensorCount) \(tensor.name)")
            })
        Console.endProgress()
        let total = Date().timeIntervalSince(start)
        note("diagnose: forward pass \(Formatting.fixed(Double(tokens) / max(passSeconds, 1e-9), 1)) tokens/s, "
             + "\(result.tensors.count) tensors in \(Formatting.fixed(total - passSeconds, 1)) s, total \(Formatting.fixed(total, 1)) s, "
             + "peak memory \(ProcessMemory.peakResidentBytes().map(Formatting.bytes) ?? "n/a")")
        if let svg {
            for figure in DiagnosisFigures.all(result) {
                try ReportFile.write(figure.svg, to: URL(fileURLWithPath: svg).appendingPathComponent(figure.fileName).path)
            }
        }
        if let html { try ReportFile.write(DiagnosisHTML.page(result), to: html) }
        if json {
            try JSONOutput.print(result)
        } else {
            print(DiagnosisText.render(result))
        }
    }

    /// `2,3,4` → [2, 3, 4]; each must be a whole number in 2…8.
    static func parseBits(_ text: String) throws(CommandError) -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var bits: [Int] = []
        for part in parts {
            guard let value = Int(part) else { throw CommandError("--bits: '\(part)' is not a whole number (expected e.g. 2,3,4)") }
            guard (2...8).contains(value) else { throw CommandError("--bits: \(value) is outside 2…8") }
            bits.append(value)
        }
        return bits
    }
}
