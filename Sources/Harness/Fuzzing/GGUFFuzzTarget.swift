import GGUF

/// `gguf`: the GGUF reader as `imx inspect --tensors` uses it — parse and validate the bytes
/// (in memory), then summarise metadata and every tensor info and render the text report.
public final class GGUFFuzzTarget: FuzzTarget {
    public let name = "gguf"
    public let errorPrefix: String? = "<fuzz>.gguf: "

    public init() {}

    public func seeds() -> [[UInt8]] { FuzzSeeds.smallModel() }

    public var dictionary: [[UInt8]] { FuzzSeeds.ggufDictionary }

    public func fields(of input: [UInt8]) -> [FuzzField] { GGUFFieldMap.fields(of: input) }

    public func run(_ input: UnsafeRawBufferPointer) throws {
        let file = try GGUFFile(mapping: MappedFile(copying: input, path: "<fuzz>.gguf"))
        let summary = try ModelSummary(file, includeTensors: true)
        _ = ModelSummaryText.render(summary)
    }
}
