import Foundation

/// The inputs a worker mutates: the target's seeds, the files of the corpus folders, and every
/// input that reached an error signature not seen before (a cheap stand-in for coverage), each
/// with its structure-aware fields computed once.
public struct FuzzCorpus {
    /// At most this many inputs are kept (seeds always are).
    static let capacity = 1024

    public private(set) var inputs: [[UInt8]] = []
    private(set) var fields: [[FuzzField]] = []
    private(set) var signatures: Set<String> = []
    private let fieldMap: ([UInt8]) -> [FuzzField]
    private let saveDirectory: String?

    public init(fieldMap: @escaping ([UInt8]) -> [FuzzField], saveDirectory: String?) {
        self.fieldMap = fieldMap
        self.saveDirectory = saveDirectory
        if let saveDirectory {
            try? FileManager.default.createDirectory(atPath: saveDirectory, withIntermediateDirectories: true)
        }
    }

    public var count: Int { inputs.count }
    public var signatureCount: Int { signatures.count }

    /// Adds `input` unconditionally (a seed).
    public mutating func add(_ input: [UInt8]) {
        inputs.append(input)
        fields.append(fieldMap(input))
    }

    /// Records `signature`; when it is new, keeps `input` (and saves it to the save folder).
    public mutating func record(_ signature: String, input: [UInt8]) {
        guard signatures.insert(signature).inserted, inputs.count < Self.capacity else { return }
        add(input)
        if let saveDirectory {
            _ = FileManager.default.createFile(atPath: saveDirectory + "/" + Self.name(of: input), contents: Data(input))
        }
    }

    /// The files of `directory` (not recursive, sorted), cut to `maximumLength` bytes.
    public static func files(in directory: String, maximumLength: Int) throws -> [[UInt8]] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        return names.compactMap { name in
            var isFolder: ObjCBool = false
            let path = directory + "/" + name
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue,
                  let data = FileManager.default.contents(atPath: path) else { return nil }
            return Array(data.prefix(maximumLength))
        }
    }

    /// `HASH` (FNV-1a, 16 hex digits): the name an input is saved under.
    public static func name(of input: [UInt8]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in input { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
