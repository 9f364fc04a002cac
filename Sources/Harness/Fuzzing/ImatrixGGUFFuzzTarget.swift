import IMatrix

/// `imatrix-gguf`: the GGUF imatrix reader (`ImportanceMatrix.read`, which every imatrix command
/// uses), then what `stats` and `combine` do with the result: add it to a collection.
/// The reader takes a path, so each input is written to a scratch file first.
public final class ImatrixGGUFFuzzTarget: FuzzTarget {
    public let name = "imatrix-gguf"
    let scratch = ScratchFile(name: "imatrix.gguf")
    public var errorPrefix: String? { scratch.path + ": " }
    public var scratchPath: String? { scratch.path }

    public init() {}

    public func seeds() -> [[UInt8]] { FuzzSeeds.imatrixGGUF() }

    public var dictionary: [[UInt8]] { FuzzSeeds.ggufDictionary }

    public func fields(of input: [UInt8]) -> [FuzzField] { GGUFFieldMap.fields(of: input) }

    public func run(_ input: UnsafeRawBufferPointer) throws {
        try scratch.write(input)
        let file = try ImportanceMatrix.read(path: scratch.path)
        var collection = ImatrixCollection()
        try collection.add(file, chunkSize: file.chunkSize ?? 512)
    }

    public func finish() { scratch.remove() }
}
