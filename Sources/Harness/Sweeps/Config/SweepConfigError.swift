import Kernels

/// A config that cannot run, as one line: `CONFIG: JSON.PATH: message`
/// (e.g. `quickstart.json: formulas[2].lambda: the grid is empty`).
public struct SweepConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The config file.
    public var file: String
    /// Where in the JSON (`recipe[0].tensors`), or the file's own field (`results.jsonl`).
    public var path: String
    public var message: String

    public init(file: String, path: String, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    public var description: String { ErrorText.line("\(ErrorText.value(file, limit: 400)): \(ErrorText.value(path)): \(message)") }
}
