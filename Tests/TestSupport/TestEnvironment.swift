import Foundation
import Testing

/// Where the tests find the assets they check against, and whether those are present.
///
/// - Fixtures (llama.cpp/ggml reference outputs): `$IMX_FIXTURES`, else `../shared/fixtures`
///   next to the package (`.ci/run` sets `IMX_FIXTURES` when it finds them elsewhere).
/// - Models: `$IMX_MODELS`, else `models/` in the package (where `scripts/fetch-models` puts them).
/// - gguf-py: `python3` able to `import gguf, numpy`.
///
/// Tests that need an asset skip with the reason when it is absent. With `IMX_REQUIRE_ASSETS=1`
/// (set by `.ci/run`) they run anyway and fail on the missing asset, so CI cannot pass by skipping.
public enum TestEnvironment {
    /// The package root (the folder holding `Package.swift`).
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }   // Tests/TestSupport/<file>
        return url.path
    }()

    /// Whether missing assets fail the tests instead of skipping them.
    public static let requireAssets = ProcessInfo.processInfo.environment["IMX_REQUIRE_ASSETS"] == "1"

    /// The fixtures folder, if found.
    public static let fixturesDirectory: String? = {
        let environment = ProcessInfo.processInfo.environment["IMX_FIXTURES"]
        let candidates = [environment, packageRoot + "/../shared/fixtures"].compactMap { $0 }
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/quant/manifest.json") }
    }()

    /// The model cache folder.
    public static let modelsDirectory: String =
        ProcessInfo.processInfo.environment["IMX_MODELS"] ?? packageRoot + "/models"

    /// The bundled real model's path (whether or not it exists).
    public static let gemmaModelPath = modelsDirectory + "/gemma-3-270m-q4_k_m.gguf"

    /// Whether fixture tests should run.
    public static var fixturesEnabled: Bool { fixturesDirectory != nil || requireAssets }
    /// Whether real-model tests should run.
    public static var modelEnabled: Bool { FileManager.default.fileExists(atPath: gemmaModelPath) || requireAssets }
    /// Whether tests that compare with gguf-py should run.
    public static var ggufPyEnabled: Bool { PythonOracle.isAvailable || requireAssets }
    /// Whether tests that compare with Python's `regex` module should run.
    public static var pythonRegexEnabled: Bool { PythonOracle.isRegexAvailable || requireAssets }

    /// The path of fixture `relativePath`, failing when the fixtures are missing.
    public static func fixture(_ relativePath: String) throws -> String {
        guard let directory = fixturesDirectory else {
            throw AssetError("fixtures not found: set IMX_FIXTURES to shared/fixtures")
        }
        let path = directory + "/" + relativePath
        guard FileManager.default.fileExists(atPath: path) else { throw AssetError("fixture missing: \(path)") }
        return path
    }

    /// The real model's path, failing when it is missing.
    public static func gemmaModel() throws -> String {
        guard FileManager.default.fileExists(atPath: gemmaModelPath) else {
            throw AssetError("model missing: \(gemmaModelPath) (run scripts/fetch-models)")
        }
        return gemmaModelPath
    }
}

/// A required test asset is missing.
public struct AssetError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}


extension Trait where Self == ConditionTrait {
    /// Runs the test only when the fixtures are present (or required).
    public static var needsFixtures: Self {
        .enabled(if: TestEnvironment.fixturesEnabled, "needs ../shared/fixtures (or IMX_FIXTURES)")
    }

    /// Runs the test only when the real model has been fetched (or is required).
    public static var needsModel: Self {
        .enabled(if: TestEnvironment.modelEnabled, "needs models/gemma-3-270m-q4_k_m.gguf (run scripts/fetch-models)")
    }

    /// Runs the test only when gguf-py can be imported (or is required).
    public static var needsGGUFPy: Self {
        .enabled(if: TestEnvironment.ggufPyEnabled, "needs python3 with gguf and numpy (pip install gguf numpy)")
    }

    /// Runs the test only when Python's `regex` module (Unicode property classes) can be
    /// imported (or is required).
    public static var needsPythonRegex: Self {
        .enabled(if: TestEnvironment.pythonRegexEnabled, "needs python3 with the regex module (pip install regex)")
    }
}
