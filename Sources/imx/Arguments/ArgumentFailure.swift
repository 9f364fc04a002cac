import ArgumentParser

/// Finds imx's own error inside an argument-parser error: the error an option's `transform:`
/// threw for a bad value (``OptionValue``), or the one a `validate()` threw, so that the
/// command prints it as one line with its exit code, as for an error thrown by `run()`.
enum ArgumentFailure {
    /// The embedded error and its exit code (64, usage, for a `ValidationError` from a
    /// transform; 1 for imx's errors), or nil when argument-parser's own message should show
    /// (a `ValidationError` from `validate()` keeps its usage text).
    static func embedded(in error: any Error) -> (error: any Error, exitCode: Int32)? {
        guard isArgumentParser(error) else { return nil }
        return search(Mirror(reflecting: error), depth: 0)
    }

    private static func search(_ mirror: Mirror, depth: Int) -> (error: any Error, exitCode: Int32)? {
        guard depth < 6 else { return nil }
        for child in mirror.children {
            if child.label == "originalError" || child.label == "userValidationError", let inner = child.value as? any Error {
                if !isArgumentParser(inner) { return (inner, 1) }
                if child.label == "originalError", let validation = inner as? ValidationError { return (validation, ExitCode.validationFailure.rawValue) }
                return nil
            }
            if let found = search(Mirror(reflecting: child.value), depth: depth + 1) { return found }
        }
        return nil
    }

    private static func isArgumentParser(_ error: any Error) -> Bool {
        String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}
