import Foundation
import Testing
import GGUF
import TestSupport

/// The real gemma-3-270m Q4_K_M model: what it holds, and every tensor dequantized exactly as
/// gguf-py dequantizes it.
@Suite("Real model (gemma-3-270m Q4_K_M)", .needsModel)
struct RealModelTests {
    @Test("Summary: architecture, dimensions, tokenizer, file type, tensor types")
    func summary() throws {
        let file = try GGUFFile(path: TestEnvironment.gemmaModel())
        let s = try ModelSummary(file)
        #expect(s.architecture == "gemma3")
        #expect(s.name == "Gemma 3 270m")
        #expect(s.sizeLabel == "270M")
        #expect(s.blockCount == 18)
        #expect(s.embeddingLength == 640)
        #expect(s.feedForwardLength == 2048)
        #expect(s.headCount == 4 && s.headCountKV == 1 && s.keyLength == 256)
        #expect(s.expertCount == nil)
        #expect(s.vocabularySize == 262_144)
        #expect(s.tokenizerModel == "llama")
        #expect(s.fileType == 15 && s.fileTypeName == "MOSTLY_Q4_K_M")
        #expect(s.tensorCount == 236)
        let histogram = Dictionary(uniqueKeysWithValues: s.types.map { ($0.type, $0.tensors) })
        #expect(histogram == ["F32": 109, "Q5_0": 81, "Q4_K": 27, "Q8_0": 10, "Q6_K": 9])
        #expect(s.types.map(\.type) == ["F32", "Q5_0", "Q4_K", "Q8_0", "Q6_K"])
        #expect(s.types.reduce(0) { $0 + $1.bytes } == s.tensorBytes)
        #expect(try file.metadata.float(.rmsNormEpsilon) == Float(1e-6))
        #expect(try file.metadata.int(.slidingWindow) == 512)
    }

    @Test("The fixture rows are the model's rows: same bytes, same floats", .needsFixtures,
          arguments: [("gemma3_blk0_ffn_down", "blk.0.ffn_down.weight"), ("gemma3_blk5_attn_q", "blk.5.attn_q.weight")])
    func fixtureRows(_ parameters: (String, String)) throws {
        let (set, tensorName) = parameters
        let file = try GGUFFile(path: TestEnvironment.gemmaModel())
        let tensor = try file.tensor(named: tensorName)
        let bytes = try RawFiles.bytes(TestEnvironment.fixture("quant/dequant/\(set).model.bin"))
        #expect(Array(file.data(of: tensor).prefix(bytes.count)) == bytes)
        let expected = try RawFiles.floats(TestEnvironment.fixture("quant/inputs/\(set).x.f32"))
        var rows = [Float](repeating: .nan, count: expected.count)
        try rows.withUnsafeMutableBufferPointer { buffer in
            try file.dequantizeRows(tensor, rows: 0..<(expected.count / tensor.rowLength), into: buffer)
        }
        #expect(RawFiles.firstBitDifference(rows, expected) == nil)
    }

    @Test("Every tensor equals gguf-py's dequantization bit for bit", .needsGGUFPy)
    func allTensorsMatchGGUFPy() throws {
        let file = try GGUFFile(path: TestEnvironment.gemmaModel())
        let script = try PythonOracle.start(arguments: [PythonOracle.script("dequant_stream.py"), file.path])
        var compared = 0
        for tensor in file.tensors {
            let nameLength = try script.read(exactly: 4).withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
            let name = String(decoding: try script.read(exactly: nameLength), as: UTF8.self)
            #expect(name == tensor.name)
            let count = try script.read(exactly: 8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
            try #require(count != .max, "gguf-py cannot dequantize \(tensor.type.name)")
            #expect(Int(count) == tensor.elementCount, "\(tensor.name)")
            let theirs = try script.read(exactly: Int(count) * 4)
            let ours = try file.dequantize(tensor)
            let identical = ours.withUnsafeBytes { oursBytes in theirs.withUnsafeBytes { oursBytes.elementsEqual($0) } }
            if !identical {
                let expected = theirs.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
                let difference = RawFiles.firstBitDifference(ours, expected)
                Issue.record("\(tensor.name) (\(tensor.type.name)): element \(difference?.index ?? -1) is \(difference?.actual ?? .nan), gguf-py gives \(difference?.expected ?? .nan)")
            }
            compared += 1
        }
        try script.finish()
        #expect(compared == 236)
    }
}
