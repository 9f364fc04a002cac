import IMatrix

/// `imatrix-dat`: llama.cpp's legacy `imatrix.dat` reader, from memory, then adding the result
/// to a collection as `stats` and `combine` do.
public final class ImatrixDatFuzzTarget: FuzzTarget {
    public let name = "imatrix-dat"
    public let errorPrefix: String? = "<fuzz>.dat: "

    public init() {}

    public func seeds() -> [[UInt8]] { FuzzSeeds.imatrixDat() }

    public func fields(of input: [UInt8]) -> [FuzzField] { LegacyFieldMap.fields(of: input) }

    public func run(_ input: UnsafeRawBufferPointer) throws {
        let file = try LegacyImatrixFormat.decode(Array(input), path: "<fuzz>.dat")
        var collection = ImatrixCollection()
        try collection.add(file, chunkSize: 512)
    }
}

/// The integer fields of a legacy `imatrix.dat` (entry count, name lengths, `ncall`, `nval`,
/// the trailer's chunk and length), found by walking the layout as far as it holds.
enum LegacyFieldMap {
    static func fields(of bytes: [UInt8]) -> [FuzzField] {
        var fields: [FuzzField] = []
        var offset = 0
        func int32() -> Int? {
            guard offset + 4 <= bytes.count else { return nil }
            let value = Int(Int32(bitPattern: UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8
                                  | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24))
            fields.append(FuzzField(offset: offset, width: 4))
            offset += 4
            return value
        }
        guard let count = int32(), count > 0 else { return fields }
        for _ in 0..<min(count, 4096) {
            guard let length = int32(), length >= 0, offset + length <= bytes.count else { return fields }
            offset += length
            guard int32() != nil, let values = int32(), values >= 0, offset + 4 * values <= bytes.count else { return fields }
            if values > 0 { fields.append(FuzzField(offset: offset, width: 4)) }
            offset += 4 * values
        }
        _ = int32()
        _ = int32()
        return fields
    }
}
