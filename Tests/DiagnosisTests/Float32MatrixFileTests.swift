import Diagnosis
import Foundation
import Harness
import TestSupport
import Testing

/// The f32bin dump format: round trip, names, and one-line errors for damaged files.
@Suite struct Float32MatrixFileTests {
    @Test func roundTrip() throws {
        let directory = try TemporaryDirectory()
        var generator = SeededGenerator(seed: 5)
        var values = generator.normals(7 * 13, standardDeviation: 3)
        values[0] = .infinity
        values[1] = -0.0
        let path = directory.file("m.f32bin")
        try values.withUnsafeBufferPointer { try Float32MatrixFile.write($0, rows: 7, columns: 13, to: path) }
        let read = try Float32MatrixFile.read(path: path)
        #expect(read.rows == 7 && read.columns == 13)
        #expect(read.values.map(\.bitPattern) == values.map(\.bitPattern))
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.count == 16 + 7 * 13 * 4)
        #expect(Array(bytes[0..<16]) == [7, 0, 0, 0, 0, 0, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0])
        try [Float]().withUnsafeBufferPointer { try Float32MatrixFile.write($0, rows: 0, columns: 4, to: directory.file("e.f32bin")) }
        let empty = try Float32MatrixFile.read(path: directory.file("e.f32bin"))
        #expect(empty.rows == 0 && empty.columns == 4 && empty.values.isEmpty)
    }

    @Test func names() {
        #expect(Float32MatrixFile.weightFileName(tensor: "blk.3.ffn_down.weight") == "blk_3_ffn_down_weight.f32bin")
        #expect(Float32MatrixFile.activationFileName(block: 3, input: "ffn_act") == "act_blk3_ffn_act.f32bin")
    }

    @Test func damagedFiles() throws {
        let directory = try TemporaryDirectory()
        func expectError(_ bytes: [UInt8], field: String) throws {
            let path = directory.file("bad.f32bin")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(throws: Float32MatrixFile.ReadError.self) { try Float32MatrixFile.read(path: path) }
            do { _ = try Float32MatrixFile.read(path: path) } catch {
                #expect(error.field == field && error.description.hasPrefix(path), "\(error)")
            }
        }
        try expectError([1, 0, 0], field: "header")
        try expectError([2, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], field: "data")
        try expectError([255, 255, 255, 255, 255, 255, 255, 255, 2, 0, 0, 0, 0, 0, 0, 0], field: "shape")
        try expectError([0, 0, 0, 0, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0, 64], field: "data")
        #expect(throws: Float32MatrixFile.ReadError.self) { try Float32MatrixFile.read(path: directory.file("missing")) }
    }
}
