import Foundation

/// Runs the reference scripts in `Tests/Oracles/` (gguf-py + numpy) and returns their output.
public enum PythonOracle {
    /// Whether `python3` can import gguf and numpy.
    public static let isAvailable: Bool = {
        (try? run(arguments: ["-c", "import gguf, numpy"]).count) != nil
    }()

    /// Whether `python3` can import the `regex` module (Unicode property classes in patterns).
    public static let isRegexAvailable: Bool = {
        (try? run(arguments: ["-c", "import regex"]).count) != nil
    }()

    /// The path of oracle script `name` (in `Tests/Oracles/`).
    public static func script(_ name: String) -> String {
        TestEnvironment.packageRoot + "/Tests/Oracles/" + name
    }

    /// Runs `python3 arguments…` and returns its standard output; a non-zero exit is an error
    /// carrying standard error.
    public static func run(arguments: [String]) throws -> Data {
        let process = try start(arguments: arguments)
        let output = process.standardOutput.readDataToEndOfFile()
        try process.finish()
        return output
    }

    /// Runs oracle script `name` with `arguments` and decodes its JSON output.
    public static func json(_ name: String, _ arguments: [String]) throws -> Any {
        try JSONSerialization.jsonObject(with: run(arguments: [script(name)] + arguments))
    }

    /// Starts `python3 arguments…` for streaming its standard output.
    public static func start(arguments: [String]) throws -> RunningScript {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        return RunningScript(process: process, stdout: stdout, stderr: stderr)
    }

    /// A running oracle script.
    public final class RunningScript {
        let process: Process
        let stderrPipe: Pipe
        /// The script's standard output.
        public let standardOutput: FileHandle

        init(process: Process, stdout: Pipe, stderr: Pipe) {
            self.process = process
            self.stderrPipe = stderr
            self.standardOutput = stdout.fileHandleForReading
        }

        /// Reads exactly `count` bytes, or fewer at end of stream.
        public func read(exactly count: Int) throws -> Data {
            var data = Data()
            while data.count < count {
                guard let chunk = try standardOutput.read(upToCount: count - data.count), !chunk.isEmpty else { break }
                data.append(chunk)
            }
            return data
        }

        /// Waits for the script to end; a non-zero exit throws with its standard error.
        public func finish() throws {
            let errors = stderrPipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw AssetError("python3 \(process.arguments?.dropFirst().joined(separator: " ") ?? "") exited \(process.terminationStatus): \(String(decoding: errors, as: UTF8.self))")
            }
        }
    }
}
