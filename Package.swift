// swift-tools-version: 6.1
//
// imatrix-lab: importance matrices, MoE coverage and importance-weighted quantization
// experiments for GGUF language models, on CPU.
//
// Data flows one way through the modules:
//   text → Tokenizers → Model (forward pass, observer) → IMatrix (accumulator, files)
//        → Weighting/Quantization (formulas, ggml-exact quantizers, scores) → Harness (sweeps, runs)
//        → Diagnosis (`imx diagnose`)
// GGUF (file format, tensor types, dequantization) and Kernels (BLAS, parallel loops, number
// formats) sit underneath everything; CBLAS is the OpenBLAS system library. Reports (text
// tables, Markdown, HTML, SVG) imports no domain module. docs/architecture.md has the graph.
import PackageDescription

let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "imatrix-lab",
    products: [
        .executable(name: "imx", targets: ["imx"]),
        .library(name: "GGUF", targets: ["GGUF"]),
        .library(name: "Kernels", targets: ["Kernels"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: - System libraries
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),

        // MARK: - Libraries, bottom to top
        // C kernels with run-time CPU dispatch (CPU identification; quantized dot products).
        .target(name: "NativeKernels"),
        .target(name: "Kernels", dependencies: ["CBLAS", "NativeKernels"], swiftSettings: settings),
        .target(name: "GGUF", dependencies: ["Kernels"], swiftSettings: settings),
        .target(name: "Tokenizers", dependencies: ["GGUF", "Kernels"], swiftSettings: settings),
        .target(name: "Model", dependencies: ["GGUF", "Kernels"], swiftSettings: settings),
        .target(name: "IMatrix", dependencies: ["Model", "GGUF", "Kernels"], swiftSettings: settings),
        .target(name: "Quantization", dependencies: ["GGUF", "Kernels"], swiftSettings: settings),
        .target(name: "Weighting", dependencies: ["Quantization", "GGUF", "Kernels"], swiftSettings: settings),
        .target(name: "Reports", swiftSettings: settings),
        .target(
            name: "Harness",
            dependencies: ["GGUF", "Kernels", "Tokenizers", "Model", "IMatrix", "Weighting", "Quantization", "Reports"],
            swiftSettings: settings
        ),
        .target(
            name: "Diagnosis",
            dependencies: ["GGUF", "Kernels", "Model", "IMatrix", "Weighting", "Quantization", "Reports", "Harness"],
            swiftSettings: settings
        ),

        // MARK: - Command line
        .executableTarget(
            name: "imx",
            dependencies: [
                "GGUF", "Kernels", "Tokenizers", "Model", "IMatrix", "Harness", "Quantization", "Weighting",
                "Reports", "Diagnosis",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: settings
        ),

        // MARK: - Tests
        // Test-only helpers (fixture paths, tiny models, independent readers); no product uses it.
        .target(name: "TestSupport", dependencies: ["GGUF", "Kernels", "Quantization"], path: "Tests/TestSupport", swiftSettings: settings),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "GGUFTests", dependencies: ["GGUF", "Kernels", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers", "GGUF", "Kernels", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "QuantizationTests", dependencies: ["Quantization", "GGUF", "Kernels", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "WeightingTests", dependencies: ["Weighting", "IMatrix", "Quantization", "GGUF", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "TestSupport"], swiftSettings: settings),
        .testTarget(
            name: "DiagnosisTests",
            dependencies: ["Diagnosis", "Harness", "IMatrix", "Model", "Weighting", "Reports", "GGUF", "TestSupport"],
            swiftSettings: settings
        ),
        .testTarget(name: "ModelTests", dependencies: ["Model", "GGUF", "Kernels", "TestSupport", "Tokenizers"], swiftSettings: settings),
        .testTarget(name: "IMatrixTests", dependencies: ["IMatrix", "Model", "GGUF", "Kernels", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "HarnessTests", dependencies: ["Harness", "IMatrix", "Weighting", "Reports", "Kernels", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "imxTests", dependencies: ["imx", "GGUF", "IMatrix", "Kernels", "TestSupport"], swiftSettings: settings),
    ]
)
