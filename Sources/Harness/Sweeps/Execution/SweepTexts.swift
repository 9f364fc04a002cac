import Foundation
import Kernels

/// The text a sweep runs on: the file itself, or several files joined (with a newline) into
/// one file in the cache.
enum SweepTexts {
    static func combined(_ paths: [String], name: String, cache: String) throws -> String {
        if paths.count == 1 { return paths[0] }
        var bytes: [UInt8] = []
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SweepConfigError(file: path, path: "\(name).texts", message: "cannot read the text")
            }
            if !bytes.isEmpty && bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
            bytes += data
        }
        let output = cache + "/\(name)-text.txt"
        try AtomicFile.write(bytes, to: output)
        return output
    }
}
