import Testing
import GGUF
import TestSupport

/// `--override-kv KEY=TYPE:VALUE`: llama.cpp's syntax, and the stricter checks on type and use.
@Suite("Metadata overrides")
struct MetadataOverrideTests {
    @Test("llama.cpp's four types, comma-separated lists, and one-line errors for malformed ones")
    func parsing() throws {
        let list = try MetadataOverride.parseList("qwen3moe.expert_used_count=int:16,a.eps=float:1e-5,a.flag=bool:false,general.name=str:x:y")
        #expect(list == [MetadataOverride(key: "qwen3moe.expert_used_count", value: .int(16)),
                         MetadataOverride(key: "a.eps", value: .float(1e-5)),
                         MetadataOverride(key: "a.flag", value: .bool(false)),
                         MetadataOverride(key: "general.name", value: .string("x:y"))])
        #expect(list[0].description == "qwen3moe.expert_used_count=int:16")
        for (text, message) in [("novalue", "expected KEY=TYPE:VALUE"), ("=int:1", "the key must be 1 to 127 bytes"),
                                ("k=16", "expected TYPE:VALUE"), ("k=int:8x", "'8x' is not an integer"),
                                ("k=float:nan", "is not a finite number"), ("k=bool:yes", "'yes' is not true or false"),
                                ("k=list:1", "unknown type 'list'"),
                                ("k=str:" + String(repeating: "s", count: 128), "at most 127 bytes")] {
            #expect { try MetadataOverride.parse(text) } throws: { error in
                let description = "\(error)"
                return description.hasPrefix("--override-kv: ") && description.contains(message) && !description.contains("\n")
            }
        }
    }

    @Test("Overrides take the stored type; another type, an out-of-range integer and an unread key are errors")
    func applying() throws {
        let directory = try TemporaryDirectory()
        var writer = GGUFWriter()
        writer.metadata.set("general.architecture", .string("llama"))
        writer.metadata.set("llama.expert_used_count", .uint32(2))
        writer.metadata.set("llama.eps", .float32(1e-6))
        writer.metadata.set("llama.ids", .array(.int32([1, 2, 3])))
        let path = directory.file("m.gguf")
        try writer.write(to: path)
        let file = try GGUFFile(path: path)

        let viewed = try file.overriding(MetadataOverride.parseList("llama.expert_used_count=int:6,llama.eps=float:0.5,llama.ids=int:4,llama.new=bool:true"))
        #expect(viewed.metadata["llama.expert_used_count"] == .uint32(6))
        #expect(viewed.metadata["llama.eps"] == .float32(0.5))
        #expect(try viewed.metadata.intOrInts("llama.ids") == [4])
        #expect(viewed.metadata["llama.new"] == .bool(true))
        #expect(viewed.overrideNotes.first == "llama.expert_used_count=int:6 (the file says 2)")
        #expect(viewed.overrideNotes.last == "llama.new=bool:true (the file says nothing: the key is absent)")
        #expect(file.metadata["llama.expert_used_count"] == .uint32(2), "the original file is unchanged")

        // Read all but one: the unread key is named.
        _ = try viewed.metadata.int("llama.expert_used_count")
        _ = try viewed.metadata.float("llama.eps")
        _ = try viewed.metadata.intOrInts("llama.ids")
        #expect(throws: GGUFError.self) { try viewed.checkOverridesRead() }
        #expect { try viewed.checkOverridesRead() } throws: { "\($0)".contains("llama.new: --override-kv llama.new=bool:true: the llama's forward pass and tokenizer never read this key") }
        _ = try viewed.metadata.boolIfPresent("llama.new")
        try viewed.checkOverridesRead()

        #expect { try file.overriding([MetadataOverride(key: "llama.eps", value: .int(1))]) } throws: {
            "\($0)".hasSuffix("llama.eps: the override is int, but the file stores FLOAT32 (--override-kv llama.eps=int:1)")
        }
        #expect { try file.overriding([MetadataOverride(key: "llama.expert_used_count", value: .int(-1))]) } throws: {
            "\($0)".contains("does not fit the file's UINT32")
        }
    }
}

extension MetadataOverrideTests {
    @Test("Lists are CSV rows as in llama.cpp: quoted fields may hold commas, \"\" is a quote")
    func csvLists() throws {
        let list = try MetadataOverride.parseList(#""general.name=str:a,b",x.flag=bool:true,"general.q=str:say ""hi"""#)
        #expect(list.map(\.description) == ["general.name=str:a,b", "x.flag=bool:true", #"general.q=str:say "hi""#])
    }
}
