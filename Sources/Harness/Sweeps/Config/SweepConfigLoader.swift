import Foundation
import Kernels

/// Reads a sweep config: JSON syntax, types and unknown keys, with every error naming the JSON
/// path; then expands `${VAR}` and resolves relative paths against the config's folder.
public enum SweepConfigLoader {
    /// Where a sweep writes when neither the command line nor the config names an output
    /// folder: `runs/NAME` under the current directory (git-ignored in this repository), never
    /// `results/`, which holds records deliberately copied there.
    public static let defaultOutputParent = "runs"

    /// Reads and decodes `path`. `output` (from the command line, relative to the current
    /// directory) replaces the config's `output`; without either the output is
    /// ``defaultOutputParent``/NAME.
    public static func load(path: String, output: String? = nil) throws(SweepConfigError) -> SweepConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SweepConfigError(file: path, path: "file", message: "cannot read the config file")
        }
        if let problem = JSONSyntaxCheck.firstError(in: [UInt8](data)) {
            throw SweepConfigError(file: path, path: "json", message: "not valid JSON: \(problem)")
        }
        let tree: Any
        do { tree = try JSONSerialization.jsonObject(with: data) } catch {
            throw SweepConfigError(file: path, path: "json", message: "not valid JSON (\(reason(of: error)))")
        }
        try checkKeys(tree, file: path)
        var config: SweepConfig
        do { config = try JSONDecoder().decode(SweepConfig.self, from: data) } catch let error as DecodingError {
            throw describe(error, file: path)
        } catch {
            throw SweepConfigError(file: path, path: "json", message: "\(error)", cause: error)
        }
        let folder = PathComponents.directory(of: path)
        func resolve(_ value: String, _ field: String) throws(SweepConfigError) -> String {
            let expanded = try expand(value, file: path, field: field)
            if expanded.hasPrefix("/") || folder.isEmpty { return (expanded as NSString).standardizingPath }
            return Self.normalized((folder as NSString).appendingPathComponent(expanded))
        }
        config.model = try resolve(config.model, "model")
        for i in config.calibration.texts.indices {
            config.calibration.texts[i] = try resolve(config.calibration.texts[i], "calibration.texts[\(i)]")
        }
        for i in config.evaluation.texts.indices {
            config.evaluation.texts[i] = try resolve(config.evaluation.texts[i], "evaluation.texts[\(i)]")
        }
        if let file = config.imatrix?.file { config.imatrix?.file = try resolve(file, "imatrix.file") }
        if let axis = config.imatrix?.texts {
            var sets: [[String]] = []
            for (set, texts) in axis.values.enumerated() {
                var resolved: [String] = []
                for (index, text) in texts.enumerated() {
                    resolved.append(try resolve(text, axis.isAxis ? "imatrix.texts[\(set)][\(index)]" : "imatrix.texts[\(index)]"))
                }
                sets.append(resolved)
            }
            config.imatrix?.texts = axis.isAxis ? .axis(sets) : .single(sets[0])
        }
        if let output {
            config.output = normalized(output)
        } else if let written = config.output {
            config.output = try resolve(written, "output")
        } else {
            config.output = normalized(defaultOutputParent + "/" + config.name)
        }
        return config
    }

    /// `path` with `.` and `folder/..` steps removed (without resolving symbolic links), so
    /// reports show `models/x.gguf` rather than `configs/../models/x.gguf`.
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    /// `${NAME}` and `${NAME:-default}` from the environment; an unset variable without default is an error.
    static func expand(_ text: String, file: String, field: String) throws(SweepConfigError) -> String {
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw SweepConfigError(file: file, path: field, message: "unterminated ${ in '\(text)'")
            }
            let inside = rest[start.upperBound..<end]
            let parts = inside.split(separator: ":-", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            if let value = ProcessInfo.processInfo.environment[name], !value.isEmpty {
                result += value
            } else if parts.count == 2 {
                result += parts[1]
            } else {
                throw SweepConfigError(file: file, path: field, message: "environment variable \(name) is not set")
            }
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }

    private static let known: [String: Set<String>] = [
        "": Set(SweepConfig.CodingKeys.allCases.map(\.rawValue)),
        "calibration": ["texts", "context", "chunks"],
        "evaluation": ["texts", "context", "chunks"],
        "imatrix": Set(SweepConfig.ImatrixSettings.CodingKeys.allCases.map(\.rawValue)),
        "recipe[]": ["tensors", "type"],
    ]

    private static func checkKeys(_ tree: Any, file: String) throws(SweepConfigError) {
        guard let root = tree as? [String: Any] else {
            throw SweepConfigError(file: file, path: "json", message: "the config must be a JSON object")
        }
        func check(_ object: [String: Any], _ kind: String, _ path: String) throws(SweepConfigError) {
            let allowed = known[kind]!
            for key in object.keys.sorted() where !allowed.contains(key) {
                throw SweepConfigError(file: file, path: path.isEmpty ? key : "\(path).\(key)",
                                       message: "unknown key (allowed: \(allowed.sorted().joined(separator: ", ")))")
            }
        }
        try check(root, "", "")
        try checkInteger(root["threads"], file: file, path: "threads")
        for section in ["calibration", "evaluation", "imatrix"] {
            guard let object = root[section] as? [String: Any] else { continue }
            try check(object, section, section)
            for key in ["context", "chunks"] { try checkInteger(object[key], file: file, path: "\(section).\(key)") }
        }
        if let rules = root["recipe"] as? [Any] {
            for (index, rule) in rules.enumerated() {
                if let object = rule as? [String: Any] { try check(object, "recipe[]", "recipe[\(index)]") }
            }
        }
    }

    /// A number where an integer is expected (Foundation's decoder reports `64.5` for an `Int`
    /// without the path).
    private static func checkInteger(_ value: Any?, file: String, path: String) throws(SweepConfigError) {
        if let values = value as? [Any] {
            for (index, element) in values.enumerated() { try checkInteger(element, file: file, path: "\(path)[\(index)]") }
            return
        }
        guard let number = value as? NSNumber, !(value is Bool) else { return }
        let double = number.doubleValue
        guard double.rounded() != double || abs(double) > 9.0e15 else { return }
        throw SweepConfigError(file: file, path: path, message: "expected an integer, found \(number)")
    }

    private static func describe(_ error: DecodingError, file: String) -> SweepConfigError {
        func path(_ keys: [any CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
            }
            return text.isEmpty ? "json" : text
        }
        switch error {
        case .typeMismatch(let type, let context):
            return SweepConfigError(file: file, path: path(context.codingPath), message: "expected \(typeName(type))")
        case .valueNotFound(let type, let context):
            return SweepConfigError(file: file, path: path(context.codingPath), message: "expected \(typeName(type)), found null")
        case .keyNotFound(let key, let context):
            return SweepConfigError(file: file, path: path(context.codingPath + [key]), message: "required key is missing")
        case .dataCorrupted(let context):
            return SweepConfigError(file: file, path: path(context.codingPath), message: context.debugDescription)
        @unknown default:
            return SweepConfigError(file: file, path: "json", message: "\(error)", cause: error)
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Bool.Type: "true or false"
        case is Double.Type: "a number"
        default: String(describing: type).contains("Array") ? "an array" : "an object"
        }
    }

    private static func reason(of error: any Error) -> String {
        ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? error.localizedDescription
    }
}
