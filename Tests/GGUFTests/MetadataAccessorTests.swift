import Kernels
import Testing
import GGUF

/// Typed accessors: values of the right type, precise errors for missing keys and wrong types,
/// architecture-prefixed keys.
@Suite("Metadata accessors")
struct MetadataAccessorTests {
    static var sample: GGUFMetadata {
        var m = GGUFMetadata(source: "model.gguf")
        m.set("general.architecture", .string("llama"))
        m.set("llama.block_count", .uint32(32))
        m.set("llama.context_length", .int64(4096))
        m.set("llama.feed_forward_length", .array(.int32([11008, 14336])))
        m.set("llama.rope.freq_base", .float32(500_000))
        m.set("llama.attention.layer_norm_rms_epsilon", .float64(1e-5))
        m.set("tokenizer.ggml.add_bos_token", .bool(true))
        m.set("tokenizer.ggml.tokens", .array(.string(["<s>", "a"])))
        m.set("tokenizer.ggml.scores", .array(.float32([0, -1.5])))
        m.set("tokenizer.ggml.token_type", .array(.uint8([3, 1])))
        m.set("huge", .uint64(.max))
        return m
    }

    @Test("Values of the expected types")
    func typedValues() throws {
        let m = Self.sample
        #expect(try m.string("general.architecture") == "llama")
        #expect(try m.int("llama.block_count") == 32)
        #expect(try m.int("llama.context_length") == 4096)
        #expect(try m.float("llama.rope.freq_base") == 500_000)
        #expect(try m.float("llama.attention.layer_norm_rms_epsilon") == Float(1e-5))
        #expect(try m.bool("tokenizer.ggml.add_bos_token"))
        #expect(try m.strings("tokenizer.ggml.tokens") == ["<s>", "a"])
        #expect(try m.floats("tokenizer.ggml.scores") == [0, -1.5])
        #expect(try m.int32s("tokenizer.ggml.token_type") == [3, 1])
        #expect(try m.intOrInts("llama.feed_forward_length") == [11008, 14336])
        #expect(try m.intOrInts("llama.block_count") == [32])
        #expect(try m.intIfPresent("absent") == nil)
        #expect(try m.stringIfPresent("absent") == nil)
    }

    @Test("Architecture-prefixed keys resolve through general.architecture")
    func architectureKeys() throws {
        let m = Self.sample
        #expect(try m.key(.blockCount) == "llama.block_count")
        #expect(try m.int(.blockCount) == 32)
        #expect(try m.float(.ropeFreqBase) == 500_000)
        #expect(try m.intIfPresent(.expertCount) == nil)
        #expect(GGUFArchitectureKey.headCountKV.description == "{arch}.attention.head_count_kv")
        var noArchitecture = GGUFMetadata(source: "vocab.gguf")
        noArchitecture.set("x", .bool(true))
        let error = #expect(throws: GGUFError.self) { try noArchitecture.int(.blockCount) }
        #expect(error?.description == "vocab.gguf: general.architecture: required key is missing")
    }

    @Test("A missing key names the file and the key")
    func missingKey() {
        let error = #expect(throws: GGUFError.self) { try Self.sample.int("llama.expert_count") }
        #expect(error?.kind == .missingKey)
        #expect(error?.description == "model.gguf: llama.expert_count: required key is missing")
    }

    @Test("A wrong type names the key, the expected and the found type",
          arguments: [
            ("general.architecture", "int", "expected an integer, found STRING"),
            ("llama.block_count", "string", "expected STRING, found UINT32"),
            ("llama.block_count", "bool", "expected BOOL, found UINT32"),
            ("tokenizer.ggml.tokens", "floats", "expected ARRAY[FLOAT32], found ARRAY[STRING]"),
            ("tokenizer.ggml.scores", "strings", "expected ARRAY[STRING], found ARRAY[FLOAT32]"),
            ("tokenizer.ggml.add_bos_token", "float", "expected FLOAT32, found BOOL"),
            ("huge", "int", "expected an integer, found UINT64 18446744073709551615, which does not fit Int"),
            ("tokenizer.ggml.tokens", "int32s", "expected ARRAY[INT32], found ARRAY[STRING]"),
          ])
    func wrongType(_ parameters: (String, String, String)) {
        let (key, accessor, message) = parameters
        let m = Self.sample
        let error = #expect(throws: GGUFError.self) {
            switch accessor {
            case "int": _ = try m.int(key)
            case "string": _ = try m.string(key)
            case "bool": _ = try m.bool(key)
            case "float": _ = try m.float(key)
            case "floats": _ = try m.floats(key)
            case "strings": _ = try m.strings(key)
            default: _ = try m.int32s(key)
            }
        }
        #expect(error?.kind == .typeMismatch)
        #expect(error?.description == "model.gguf: \(key): \(message)")
    }

    @Test("IfPresent accessors still reject a wrong type")
    func optionalWrongType() {
        #expect(throws: GGUFError.self) { try Self.sample.intIfPresent("general.architecture") }
    }

    @Test("set replaces in place; remove drops the key")
    func editing() {
        var m = Self.sample
        m.set("llama.block_count", .uint32(16))
        #expect(m.keys[1] == "llama.block_count")
        #expect(m["llama.block_count"] == .uint32(16))
        m.remove("llama.block_count")
        #expect(!m.contains("llama.block_count"))
        #expect(m.count == Self.sample.count - 1)
    }
}
