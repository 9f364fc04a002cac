import ArgumentParser
import Foundation
import Kernels

/// The `imx` command: importance matrices and quantization experiments for GGUF models.
@main
struct IMX: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imx",
        abstract: "Importance matrices, MoE coverage and importance-weighted quantization experiments for GGUF models.",
        subcommands: [InspectCommand.self, TokenizeCommand.self, QuantizeCommand.self, QuantizeErrorCommand.self, QuantizeRawCommand.self,
                      DequantizeRawCommand.self, PerplexityCommand.self, BenchCommand.self, ComputeCommand.self, CombineCommand.self,
                      ConvertCommand.self, StatsCommand.self, ExpertsCommand.self, SweepCommand.self, SweepMergeCommand.self,
                      DiagnoseCommand.self, SynthesizeCommand.self, FuzzCommand.self]
    )

    /// Checks the BLAS kernel first (which may re-execute imx with a better one), then runs the
    /// command line, and fails when what it printed could not be written. The verification child
    /// of that check runs here too, without a command.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == BLASStartup.verificationArgument { BLASStartup.runVerificationChild() }
        do { try BLASStartup.prepare() } catch {
            Console.note("Error: \(error.description)")
            Foundation.exit(1)
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            try StandardOutput.flush()
        } catch {
            // A bad option value or a failed validate() prints imx's own error as one line;
            // ArgumentParser's own errors keep its formatting (usage, help); every other error
            // is printed as one clean line.
            if let (embedded, code) = ArgumentFailure.embedded(in: error) {
                Console.note("Error: \(ErrorText.line(String(describing: embedded)))")
                Foundation.exit(code)
            }
            if String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") { exit(withError: error) }
            Console.note("Error: \(ErrorText.line(String(describing: error)))")
            Foundation.exit(1)
        }
    }
}
