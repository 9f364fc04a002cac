import Foundation
import Testing
import GGUF
import TestSupport

/// Pseudo-random blocks of every dequantizable block type against gguf-py's dequantizer —
/// covering MXFP4 and Q8_K, which the ggml fixtures do not.
@Suite("Dequantization matches gguf-py on random blocks", .needsGGUFPy)
struct DequantizationOracleTests {
    /// gguf-py 0.19 has no Q8_K dequantizer (Q8_K is ggml's intermediate type); it is checked
    /// against its layout in ``q8KLayout()``.
    static let types = Dequantizer.supportedTypes.filter { $0.isQuantized && $0 != .q8_K }

    /// `blocks` random blocks; fp16 scales get bit 14 cleared so they stay finite (as the
    /// fixtures' random vectors do), so NaN encodings never enter the comparison.
    static func randomBlocks(_ type: GGMLType, blocks: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<(blocks * type.typeSize)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for block in 0..<blocks {
            for offset in type.halfScaleOffsets { bytes[block * type.typeSize + offset + 1] &= 0xBF }
        }
        return bytes
    }

    @Test("Random blocks", arguments: types)
    func randomBlocksMatch(_ type: GGMLType) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("blocks.bin")
        let bytes = Self.randomBlocks(type, blocks: 64)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let output = try PythonOracle.run(arguments: [PythonOracle.script("dequant_bytes.py"), type.name, path])
        let expected = output.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let actual = try QuantFixtures.dequantize(type, bytes)
        #expect(actual.count == 64 * type.blockSize)
        if let difference = RawFiles.firstBitDifference(actual, expected) {
            Issue.record("\(type.name): element \(difference.index) is \(difference.actual), gguf-py gives \(difference.expected)")
        }
    }

    @Test("Q8_K: float32 d, then 256 int8 quants (bsums ignored)")
    func q8KLayout() throws {
        var block = [UInt8](repeating: 0, count: 292)
        withUnsafeBytes(of: Float(0.5).bitPattern.littleEndian) { block.replaceSubrange(0..<4, with: $0) }
        for j in 0..<256 { block[4 + j] = UInt8(truncatingIfNeeded: j - 128) }
        for j in 260..<292 { block[j] = 0xFF }
        let values = try QuantFixtures.dequantize(.q8_K, block)
        #expect(values == (0..<256).map { Float($0 - 128) * 0.5 })
    }
}
