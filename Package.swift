// swift-tools-version: 6.1
//
// imatrix-lab: importance matrices, MoE coverage and importance-weighted quantization
// experiments for GGUF language models, on CPU.
//
// Data flows one way through the modules:
//   text → Tokenizers → Model (forward pass, observer) → IMatrix (accumulator, files)
//        → Weighting/Quantization (formulas, ggml-exact quantizers, scores) → Harness (sweeps, reports)
// GGUF (file format, tensor types, dequantization) and Kernels (BLAS, parallel loops, number
// formats) sit underneath everything; CBLAS is the OpenBLAS system library.
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
        .target(name: "Model", dependencies: ["GGUF", "Kernels", "Tokenizers"], swiftSettings: settings),
        .target(name: "IMatrix", dependencies: ["Model", "GGUF", "Kernels"], swiftSettings: settings),
        .target(name: "Quantization", dependencies: ["GGUF", "Kernels"], swiftSettings: settings),
        .target(name: "Weighting", dependencies: ["Quantization", "IMatrix", "GGUF", "Kernels"], swiftSettings: settings),
        .target(
            name: "Harness",
            dependencies: ["GGUF", "Kernels", "Tokenizers", "Model", "IMatrix", "Weighting", "Quantization"],
            swiftSettings: settings
        ),

        // MARK: - Command line
        .executableTarget(
            name: "imx",
            dependencies: [
                "GGUF", "Kernels", "Tokenizers", "Model", "IMatrix", "Harness", "Quantization", "Weighting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: settings
        ),

        // MARK: - Tests
        .target(name: "TestSupport", dependencies: ["GGUF", "Kernels", "Quantization"], swiftSettings: settings),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "GGUFTests", dependencies: ["GGUF", "Kernels", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers", "GGUF", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "QuantizationTests", dependencies: ["Quantization", "GGUF", "Kernels", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "WeightingTests", dependencies: ["Weighting", "IMatrix", "Quantization", "GGUF", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "ModelTests", dependencies: ["Model", "GGUF", "Kernels", "TestSupport", "Tokenizers"], swiftSettings: settings),
        .testTarget(name: "IMatrixTests", dependencies: ["IMatrix", "Model", "GGUF", "Kernels", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "HarnessTests", dependencies: ["Harness", "IMatrix", "Weighting", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "imxTests", dependencies: ["imx", "GGUF", "IMatrix", "Kernels", "TestSupport"], swiftSettings: settings),
    ]
)
