import Foundation
import Testing
import GGUF
import Kernels
import Model
import TestSupport

/// The integer products on gemma-3-270m's own tensors and the inputs the forward pass gives
/// them: as close to the float64 product of the same rounded operands as the float path's sgemm
/// (closer, in fact), and the forward pass uses them only where it should.
@Suite("Quantized products on gemma-3-270m")
struct QuantizedGemmaTests {
    /// Keeps the inputs of a few products of the first chunk.
    final class Inputs: ActivationObserver {
        let names: Set<String>
        var values: [String: [Float]] = [:]
        init(_ names: Set<String>) { self.names = names }
        func observe(_ activation: ObservedActivation) {
            if names.contains(activation.tensorName) { values[activation.tensorName] = Array(activation.values) }
        }
    }

    @Test("Q5_0, Q4_K, Q6_K and Q8_0 products on real inputs: error vs float64 at most the sgemm path's", .needsModel, .needsFixtures)
    func realProducts() throws {
        let names = ["blk.0.ffn_gate.weight", "blk.5.ffn_down.weight", "blk.1.ffn_down.weight", "blk.4.attn_v.weight"]
        let tokens = try ReferenceTokens.gemmaReferenceText().prefix(512)
        let model = try TransformerModel(path: TestEnvironment.gemmaModel(), options: ModelOptions(threads: 2, quantizedProducts: false))
        let inputs = Inputs(Set(names))
        try model.evaluate(TokenBatch(tokens: Array(tokens), sequenceLength: 512), observer: inputs)
        let file = model.file
        var types: Set<String> = []
        for name in names {
            let tensor = try file.tensor(named: name)
            types.insert(tensor.type.name)
            let k = tensor.shape[0], n = min(tensor.shape[1], 256), m = 64
            let x = Array(try #require(inputs.values[name]).prefix(m * k))
            var weights = [Float](repeating: 0, count: n * k)
            try weights.withUnsafeMutableBufferPointer {
                try Dequantizer.dequantize(tensor.type, from: file.data(of: tensor).baseAddress!, elementCount: n * k, into: $0.baseAddress!)
            }
            let typeID = Int(tensor.type.id)
            var rounded = x
            x.withUnsafeBufferPointer { input in
                rounded.withUnsafeMutableBufferPointer { output in
                    if QuantizedProduct.activationBlock(typeID: typeID) == 256 {
                        BlockRounding.q8_K(input.baseAddress!, into: output.baseAddress!, count: m * k)
                    } else {
                        BlockRounding.q8_0(input.baseAddress!, into: output.baseAddress!, count: m * k)
                    }
                }
            }
            let prepared = UnsafeMutableRawPointer.allocate(byteCount: m * QuantizedProduct.activationRowBytes(typeID: typeID, columns: k), alignment: 64)
            let scratch = (0..<2).map { _ in
                UnsafeMutableRawPointer.allocate(byteCount: QuantizedProduct.scratchBytes(typeID: typeID, columns: k), alignment: 64)
            }
            defer { prepared.deallocate(); scratch.forEach { $0.deallocate() } }
            x.withUnsafeBufferPointer { QuantizedProduct.prepare(typeID: typeID, input: $0.baseAddress!, rows: m, columns: k, into: prepared, threads: 2) }
            var integer = [Float](repeating: 0, count: m * n), float = [Float](repeating: 0, count: m * n)
            integer.withUnsafeMutableBufferPointer { output in
                QuantizedProduct.multiply(typeID: typeID, weights: file.data(of: tensor).baseAddress!, outFeatures: n, columns: k,
                                          prepared: prepared, rows: m, output: output.baseAddress!, ldc: n, threads: 2, scratch: { scratch[$0] })
            }
            rounded.withUnsafeBufferPointer { a in
                weights.withUnsafeBufferPointer { b in
                    float.withUnsafeMutableBufferPointer { c in
                        BLAS.linear(input: a.baseAddress!, weight: b.baseAddress!, output: c.baseAddress!, rows: m, inFeatures: k, outFeatures: n)
                    }
                }
            }
            var integerError = 0.0, floatError = 0.0, norm = 0.0
            for a in 0..<m {
                for r in 0..<n {
                    var exact = 0.0
                    for e in 0..<k { exact += Double(rounded[a * k + e]) * Double(weights[r * k + e]) }
                    integerError += (Double(integer[a * n + r]) - exact) * (Double(integer[a * n + r]) - exact)
                    floatError += (Double(float[a * n + r]) - exact) * (Double(float[a * n + r]) - exact)
                    norm += exact * exact
                }
            }
            let integerRelative = (integerError / norm).squareRoot(), floatRelative = (floatError / norm).squareRoot()
            #expect(integerRelative < 1e-6 && integerRelative <= 1.5 * floatRelative,
                    "\(name) \(tensor.type.name): integer products err by \(integerRelative), sgemm by \(floatRelative)")
        }
        #expect(types == ["Q5_0", "Q4_K", "Q6_K", "Q8_0"], "\(types)")
    }
}
