/// The folder and the name of a path, as `NSString`'s `deletingLastPathComponent` and
/// `lastPathComponent` give them — without calling them: the Linux Foundation of Swift 6.3
/// traps on a one-character path (`-o a` crashed every command that writes).
public enum PathComponents {
    /// The path without its last component: `""` for a bare name, `"/"` for `/name`.
    public static func directory(of path: String) -> String {
        let trimmed = trimmingTrailingSlashes(path)
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        if slash == trimmed.startIndex { return "/" }
        return trimmingTrailingSlashes(String(trimmed[..<slash]))
    }

    /// The last component: the name after the last `/` (trailing slashes ignored).
    public static func name(of path: String) -> String {
        let trimmed = trimmingTrailingSlashes(path)
        guard let slash = trimmed.lastIndex(of: "/") else { return trimmed }
        if trimmed == "/" { return "/" }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    private static func trimmingTrailingSlashes(_ path: String) -> String {
        var result = Substring(path)
        while result.count > 1, result.last == "/" { result = result.dropLast() }
        return String(result)
    }
}
