import ArgumentParser

/// The `imx` command: importance matrices and quantization experiments for GGUF models.
@main
struct IMX: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imx",
        abstract: "Importance matrices, MoE coverage and importance-weighted quantization experiments for GGUF models.",
        subcommands: [InspectCommand.self, TokenizeCommand.self, QuantizeErrorCommand.self, QuantizeRawCommand.self,
                      DequantizeRawCommand.self, PerplexityCommand.self, BenchCommand.self, ComputeCommand.self, CombineCommand.self,
                      ConvertCommand.self, StatsCommand.self, ExpertsCommand.self, SweepCommand.self, SweepMergeCommand.self,
                      DiagnoseCommand.self]
    )
}
