import ArgumentParser
import GGUF

/// A ggml type on the command line is its name (`Q4_K`, case-insensitive).
extension GGMLType: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public var defaultValueDescription: String { name }
}
