import Dispatch
import Foundation
import GGUF
import Kernels

/// `imx bench blas`: float32 sgemm speed for the products the forward pass runs — batch tokens ×
/// each weight matrix's input × output width — measured the way the forward pass runs them
/// (columns split over imx's threads, OpenBLAS single-threaded inside) and, for comparison,
/// with OpenBLAS's own threads.
public enum BLASBenchmark {
    /// One product shape: `C (m × n) = A (m × k) · Bᵀ (n × k)`.
    public struct Shape: @unchecked Sendable, Encodable, Equatable {
        // @unchecked: `weights` points into a mapped file that outlives the benchmark.
        /// Which weights have it (`attn_q`, `ffn_down`, `output (1,024-row block)` …).
        public var name: String
        /// How many products of this shape one batch runs.
        public var count: Int
        public var m: Int
        public var n: Int
        public var k: Int
        /// The weight's ggml type and one tensor's data, when the quantized product handles it.
        public var weightType: String?
        var typeID: Int?
        var weights: UnsafeRawPointer?
        public var flop: Double { 2 * Double(m) * Double(n) * Double(k) }

        enum CodingKeys: String, CodingKey { case name, count, m, n, k, weightType }

        public static func == (lhs: Shape, rhs: Shape) -> Bool {
            lhs.name == rhs.name && lhs.count == rhs.count && lhs.m == rhs.m && lhs.n == rhs.n && lhs.k == rhs.k && lhs.weightType == rhs.weightType
        }
    }

    /// The measurement of one shape.
    public struct Result: Sendable, Encodable {
        public var shape: Shape
        /// Best seconds of one product, split over imx's threads.
        public var seconds: Double
        /// Best seconds of one product with OpenBLAS's own threads.
        public var openBLASSeconds: Double
        /// Best seconds of the quantized-activation product on the weight's own blocks
        /// (activation rounding included), when its type has a kernel.
        public var quantizedSeconds: Double?
        public var gigaflops: Double { shape.flop / seconds / 1e9 }
        public var openBLASGigaflops: Double { shape.flop / openBLASSeconds / 1e9 }
        public var quantizedGigaops: Double? { quantizedSeconds.map { shape.flop / $0 / 1e9 } }

        enum CodingKeys: String, CodingKey { case shape, seconds, openBLASSeconds, quantizedSeconds, gigaflops, openBLASGigaflops, quantizedGigaops }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(shape, forKey: .shape)
            try container.encode(seconds, forKey: .seconds)
            try container.encode(openBLASSeconds, forKey: .openBLASSeconds)
            try container.encode(gigaflops, forKey: .gigaflops)
            try container.encode(openBLASGigaflops, forKey: .openBLASGigaflops)
            try container.encodeIfPresent(quantizedSeconds, forKey: .quantizedSeconds)
            try container.encodeIfPresent(quantizedGigaops, forKey: .quantizedGigaops)
        }
    }

    /// The vocabulary block the output projection streams (see `OutputProjection`).
    public static let outputBlockRows = 1024

    /// Shapes of the weight products of `file`'s forward pass for batches of `tokens` rows:
    /// one per distinct (name, input, output); expert stacks with the tokens an expert gets on
    /// average (`tokens · used / experts`); the output matrix as its vocabulary blocks.
    public static func shapes(of file: GGUFFile, tokens: Int) -> [Shape] {
        let metadata = file.metadata
        let architecture = (try? metadata.stringIfPresent("general.architecture")) ?? nil
        func integer(_ key: String) -> Int? {
            guard let architecture else { return nil }
            return (try? metadata.intIfPresent("\(architecture).\(key)")) ?? nil
        }
        let experts = max(1, integer("expert_count") ?? 1), used = max(1, integer("expert_used_count") ?? 1)
        var shapes: [Shape] = []
        let matrices = file.tensors.filter { $0.shape.count >= 2 && $0.name.hasSuffix(".weight") && !$0.name.contains("norm") }
        let hasOutput = matrices.contains { $0.name == "output.weight" }
        for tensor in matrices {
            let k = tensor.shape[0], rows = tensor.shape[1]
            var name = tensor.name
            if name.hasPrefix("blk.") { name = name.split(separator: ".").dropFirst(2).joined(separator: ".") }
            name = name.replacingOccurrences(of: ".weight", with: "")
            var shape: Shape
            if name == "token_embd" && hasOutput { continue } // a row lookup, not a product
            if name == "output" || name == "token_embd" {
                let blocks = (rows + outputBlockRows - 1) / outputBlockRows
                shape = Shape(name: "output (\(outputBlockRows)-row block)", count: blocks, m: tokens, n: min(rows, outputBlockRows), k: k)
            } else if tensor.shape.count >= 3 {
                let stacked = tensor.shape[2...].reduce(1, *)
                shape = Shape(name: name, count: stacked, m: max(1, tokens * used / experts), n: rows, k: k)
            } else {
                shape = Shape(name: name, count: 1, m: tokens, n: rows, k: k)
            }
            shape.weightType = tensor.type.name
            if QuantizedProduct.supports(typeID: Int(tensor.type.id)), k % tensor.type.blockSize == 0 {
                shape.typeID = Int(tensor.type.id)
                shape.weights = file.data(of: tensor).baseAddress
            }
            if let index = shapes.firstIndex(where: { $0.name == shape.name && $0.m == shape.m && $0.n == shape.n && $0.k == shape.k }) {
                shapes[index].count += shape.count
            } else {
                shapes.append(shape)
            }
        }
        return shapes
    }

    /// Shapes without a model: the one the CPU issue quotes (2048 × 2048 × 640) and an 8B
    /// llama's attention and feed-forward products at `tokens` rows.
    public static func standardShapes(tokens: Int) -> [Shape] {
        [Shape(name: "2048×2048×640", count: 1, m: 2048, n: 2048, k: 640),
         Shape(name: "8B attn_q/attn_output", count: 1, m: tokens, n: 4096, k: 4096),
         Shape(name: "8B ffn_gate/ffn_up", count: 1, m: tokens, n: 14336, k: 4096),
         Shape(name: "8B ffn_down", count: 1, m: tokens, n: 4096, k: 14336)]
    }

    /// Measures every shape (best of `repetitions` after a warm-up run).
    public static func run(_ shapes: [Shape], threads: Int, repetitions: Int) -> [Result] {
        let originalThreads = BLAS.threadCount
        defer { BLAS.setThreadCount(originalThreads) }
        var generator = SplitMix64(seed: 42)
        return shapes.map { shape in
            let a = UnsafeMutablePointer<Float>.allocate(capacity: shape.m * shape.k)
            let b = UnsafeMutablePointer<Float>.allocate(capacity: shape.n * shape.k)
            let c = UnsafeMutablePointer<Float>.allocate(capacity: shape.m * shape.n)
            defer { a.deallocate(); b.deallocate(); c.deallocate() }
            for i in 0..<(shape.m * shape.k) { a[i] = Float(generator.next() >> 40) / Float(1 << 24) - 0.5 }
            for i in 0..<(shape.n * shape.k) { b[i] = Float(generator.next() >> 40) / Float(1 << 24) - 0.5 }
            BLAS.setThreadCount(1)
            let split = BenchmarkTiming.best(of: repetitions) {
                BLAS.parallelProductTransposed(m: shape.m, n: shape.n, k: shape.k, a: a, lda: shape.k, b: b, ldb: shape.k,
                                               c: c, ldc: shape.n, threads: threads)
            }
            BLAS.setThreadCount(threads)
            let own = BenchmarkTiming.best(of: repetitions) {
                BLAS.sgemm(.none, .transpose, m: shape.m, n: shape.n, k: shape.k, a: a, lda: shape.k, b: b, ldb: shape.k,
                           c: c, ldc: shape.n)
            }
            var quantized: Double?
            if let typeID = shape.typeID, let weights = shape.weights {
                let rowBytes = QuantizedProduct.activationRowBytes(typeID: typeID, columns: shape.k)
                let prepared = UnsafeMutableRawPointer.allocate(byteCount: shape.m * rowBytes, alignment: 64)
                let scratchBytes = QuantizedProduct.scratchBytes(typeID: typeID, columns: shape.k)
                let scratch = (0..<threads).map { _ in UnsafeMutableRawPointer.allocate(byteCount: scratchBytes, alignment: 64) }
                defer { prepared.deallocate(); scratch.forEach { $0.deallocate() } }
                BLAS.setThreadCount(1)
                quantized = BenchmarkTiming.best(of: repetitions) {
                    QuantizedProduct.prepare(typeID: typeID, input: a, rows: shape.m, columns: shape.k, into: prepared, threads: threads)
                    QuantizedProduct.multiply(typeID: typeID, weights: weights, outFeatures: shape.n, columns: shape.k,
                                              prepared: prepared, rows: shape.m, output: c, ldc: shape.n, threads: threads,
                                              scratch: { scratch[$0] })
                }
            }
            return Result(shape: shape, seconds: split, openBLASSeconds: own, quantizedSeconds: quantized)
        }
    }
}
