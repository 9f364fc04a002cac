import Foundation
import Kernels
import Model

/// One grid point's per-token scores on one text: the KL divergence and the negative
/// log-likelihood of every scored prediction, chunk by chunk in the evaluator's order. Kept in
/// the sweep's cache (`cache/tokens/TEXT/…`) so that any two variants scored on the same
/// tokens can be compared token by token, by this run, a later one, `sweep-merge` or
/// `imx sweep --compare`.
public struct TokenScores: Sendable, Equatable {
    /// The sweep's fingerprint: scores of different sweeps are never paired.
    public var fingerprint: String
    public var variant: String
    /// `evaluation` or `calibration`.
    public var text: String
    /// Scored predictions per chunk (the bootstrap's cluster size).
    public var perChunk: Int
    public var divergence: [Float]
    public var negativeLogLikelihood: [Float]

    public init(fingerprint: String, variant: String, text: String, perChunk: Int,
                divergence: [Float], negativeLogLikelihood: [Float]) {
        self.fingerprint = fingerprint
        self.variant = variant
        self.text = text
        self.perChunk = perChunk
        self.divergence = divergence
        self.negativeLogLikelihood = negativeLogLikelihood
    }

    /// The scores of an evaluation's samples.
    public init(fingerprint: String, variant: String, text: String, perChunk: Int, samples: [DivergenceSample]) {
        self.init(fingerprint: fingerprint, variant: variant, text: text, perChunk: perChunk,
                  divergence: samples.map { Float($0.divergence) },
                  negativeLogLikelihood: samples.map { Float($0.negativeLogLikelihood) })
    }

    /// The file of `variant`'s scores on `text` under `cache`: a readable, file-system-safe
    /// form of the name plus a hash of the exact name, so different variants never share a file.
    public static func path(cache: String, text: String, variant: String) -> String {
        var safe = String(variant.unicodeScalars.map { scalar -> Character in
            let allowed = CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII || "._=-".unicodeScalars.contains(scalar)
            return allowed ? Character(scalar) : "_"
        })
        if safe.count > 80 { safe = String(safe.prefix(80)) }
        var hash = Fingerprint()
        hash.add(variant)
        return "\(cache)/tokens/\(text)/\(safe)-\(hash.hex.prefix(12)).tokens"
    }
}

extension TokenScores {
    static let magic = Array("IMXTOKENS1\n".utf8)

    /// What the file's header says.
    struct Header: Codable {
        var fingerprint: String
        var variant: String
        var text: String
        var perChunk: Int
        var count: Int
    }

    /// Writes the scores atomically: the magic line, a JSON header line, then the divergences
    /// and the negative log-likelihoods as little-endian float32.
    public func write(to path: String) throws {
        try ReportFile.makeDirectory(PathComponents.directory(of: path))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let header = Header(fingerprint: fingerprint, variant: variant, text: text, perChunk: perChunk, count: divergence.count)
        var bytes = Self.magic + Array(try encoder.encode(header)) + [UInt8(ascii: "\n")]
        bytes.reserveCapacity(bytes.count + 8 * divergence.count)
        for values in [divergence, negativeLogLikelihood] {
            for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        }
        try AtomicFile.write(bytes, to: path)
    }

    /// Reads a scores file.
    /// - Throws: ``SweepConfigError`` naming the file and what is wrong with it.
    public static func read(path: String) throws(SweepConfigError) -> TokenScores {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SweepConfigError(file: path, path: "file", message: "no per-token scores (the variant was not scored end to end in this output folder)")
        }
        let bytes = [UInt8](data)
        guard bytes.starts(with: magic) else { throw SweepConfigError(file: path, path: "magic", message: "not an imx per-token scores file") }
        guard let end = bytes[magic.count...].firstIndex(of: UInt8(ascii: "\n")),
              let header = try? JSONDecoder().decode(Header.self, from: Data(bytes[magic.count..<end])),
              header.count >= 0, header.perChunk > 0 else {
            throw SweepConfigError(file: path, path: "header", message: "unreadable header")
        }
        let start = end + 1
        guard bytes.count - start == 8 * header.count else {
            throw SweepConfigError(file: path, path: "values", message: "\(bytes.count - start) bytes of values, the header says \(header.count) tokens (\(8 * header.count) bytes)")
        }
        func floats(at offset: Int) -> [Float] {
            (0..<header.count).map { index in
                let at = offset + 4 * index
                let bits = UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
                return Float(bitPattern: bits)
            }
        }
        return TokenScores(fingerprint: header.fingerprint, variant: header.variant, text: header.text, perChunk: header.perChunk,
                           divergence: floats(at: start), negativeLogLikelihood: floats(at: start + 4 * header.count))
    }
}
