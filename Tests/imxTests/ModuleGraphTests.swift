import Foundation
import Testing
import TestSupport

/// The module graph of docs/architecture.md, checked against the `import` lines of every source
/// file: a module importing what it may not (Weighting → IMatrix, Reports → anything of the
/// project) fails here, naming the file.
struct ModuleGraphTests {
    /// What each module may import besides the system modules.
    static let allowed: [String: Set<String>] = {
        var graph: [String: Set<String>] = [
            "Kernels": ["CBLAS", "NativeKernels"],
            "GGUF": ["Kernels"],
            "Reports": [],
            "Tokenizers": ["GGUF", "Kernels"],
            "Model": ["GGUF", "Kernels"],
            "IMatrix": ["Model", "GGUF", "Kernels"],
            "Quantization": ["GGUF", "Kernels"],
            "Weighting": ["Quantization", "GGUF", "Kernels"],
            "Harness": ["Reports", "Weighting", "Quantization", "IMatrix", "Model", "Tokenizers", "GGUF", "Kernels"],
        ]
        graph["Diagnosis"] = graph["Harness"]!.union(["Harness"])
        graph["imx"] = graph["Diagnosis"]!.union(["Diagnosis", "ArgumentParser"])
        return graph
    }()

    static let system: Set<String> = ["Foundation", "FoundationXML", "Dispatch", "Synchronization", "Glibc"]

    /// `module → [(file, imported module)]` from the sources.
    static func imports() throws -> [String: [(file: String, module: String)]] {
        let sources = TestEnvironment.packageRoot + "/Sources"
        var result: [String: [(file: String, module: String)]] = [:]
        for module in try FileManager.default.contentsOfDirectory(atPath: sources) {
            guard let files = FileManager.default.enumerator(atPath: sources + "/" + module) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOfFile: sources + "/" + module + "/" + file, encoding: .utf8)
                for line in text.split(separator: "\n") where line.hasPrefix("import ") {
                    let imported = line.dropFirst("import ".count).split(separator: " ").first.map(String.init) ?? ""
                    result[module, default: []].append((file: module + "/" + file, module: imported))
                }
            }
        }
        return result
    }

    @Test("Every module imports only what docs/architecture.md allows")
    func importsFollowTheGraph() throws {
        let imports = try Self.imports()
        #expect(Set(imports.keys).isSuperset(of: ["Kernels", "GGUF", "Reports", "IMatrix", "Weighting", "Harness", "Diagnosis", "imx"]))
        for (module, lines) in imports {
            let allowed = try #require(Self.allowed[module], "module \(module) is not in the documented graph")
            for line in lines where !Self.system.contains(line.module) {
                #expect(allowed.contains(line.module), "\(line.file) imports \(line.module), which \(module) may not")
            }
        }
    }

    @Test("The graph has no cycle and the data flows one way: Weighting and Reports stay below the forward pass")
    func graphIsLayered() throws {
        #expect(!Self.allowed["Weighting"]!.contains("IMatrix") && !Self.allowed["Weighting"]!.contains("Model"))
        #expect(Self.allowed["Reports"]!.isEmpty)
        // Depth-first search for a cycle over the project's modules.
        var state: [String: Int] = [:]
        func visit(_ module: String) -> Bool {
            if state[module] == 1 { return false }
            if state[module] == 2 { return true }
            state[module] = 1
            for next in Self.allowed[module] ?? [] where !visit(next) { return false }
            state[module] = 2
            return true
        }
        for module in Self.allowed.keys { #expect(visit(module), "cycle through \(module)") }
    }

    @Test("Package.swift declares the same dependencies the graph allows, and no more")
    func manifestMatchesGraph() throws {
        let text = try String(contentsOfFile: TestEnvironment.packageRoot + "/Package.swift", encoding: .utf8)
        // One line per declaration: `.target(name: "M", dependencies: [...], swiftSettings: …`.
        let manifest = text.split(whereSeparator: \.isWhitespace).joined(separator: " ").replacingOccurrences(of: "( ", with: "(")
        for (module, allowed) in Self.allowed where module != "imx" {
            guard let start = manifest.range(of: ".target(name: \"\(module)\"") else { Issue.record("no target \(module)"); continue }
            let rest = manifest[start.upperBound...]
            let end = rest.range(of: "swiftSettings")?.lowerBound ?? rest.endIndex
            let declaration = rest[..<end]
            let names = declaration.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
            #expect(Set(names).isSubset(of: allowed), "\(module) in Package.swift depends on \(Set(names).subtracting(allowed).sorted())")
        }
    }
}
