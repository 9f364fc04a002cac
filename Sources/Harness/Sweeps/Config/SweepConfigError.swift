import Kernels

/// A config that cannot run, as one line: `CONFIG: JSON.PATH: message`
/// (e.g. `quickstart.json: formulas[2].lambda: the grid is empty`).
public struct SweepConfigError: LocatedError, Sendable, Equatable {
    /// The config file, where in the JSON (`recipe[0].tensors`) or the file's own field
    /// (`results.jsonl`), the explanation and its cause (``LocatedError``).
    public var located: LocatedMessage

    /// Where in the JSON, or the file's own field: the located error's field.
    public var path: String {
        get { located.field }
        set { located.field = newValue }
    }

    public init(file: String, path: String, message: String, cause: (any Error)? = nil) {
        located = LocatedMessage(file: file, field: path, message: message, cause: cause)
    }
}
