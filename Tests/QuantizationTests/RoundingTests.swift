import Testing
import GGUF
import Quantization
import TestSupport

/// The rounding checks of docs/weighting-spec.md, seen through whole blocks.
@Suite("Rounding rules")
struct RoundingTests {
    @Test("Q8_0 rounds half away from zero (roundf): 2.5 → 3, −2.5 → −3")
    func q8RoundsAway() throws {
        var x = [Float](repeating: 0, count: 32)
        x[0] = 127        // d = 1 exactly
        x[1] = 2.5
        x[2] = -2.5
        x[3] = 0.5
        let bytes = try QuantFixtures.quantize(.q8_0, x, rows: 1, rowLength: 32, importance: nil)
        #expect(bytes[2] == 127 && Int8(bitPattern: bytes[3]) == 3 && Int8(bitPattern: bytes[4]) == -3 && bytes[5] == 1)
    }

    @Test("An all-zero IQ4_XS super-block stores d = −0.0 (0x8000)")
    func iq4XSZero() throws {
        let bytes = try QuantFixtures.quantize(.iq4_XS, [Float](repeating: 0, count: 256), rows: 1, rowLength: 256, importance: nil)
        #expect(bytes[0] == 0x00 && bytes[1] == 0x80)
    }
}
