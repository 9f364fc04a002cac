import Testing
import Kernels

@Suite("Path components")
struct PathComponentsTests {
    @Test("NSString's folder and name, for paths Foundation handles and the one-character ones it traps on")
    func components() {
        let cases: [(path: String, directory: String, name: String)] = [
            ("a", "", "a"), ("0", "", "0"), ("ab", "", "ab"), ("x/a", "x", "a"), ("/a", "/", "a"),
            ("/tmp/out.gguf", "/tmp", "out.gguf"), ("dir/sub/", "dir", "sub"), ("dir//x", "dir", "x"), ("/", "/", "/"),
            ("./m.gguf", ".", "m.gguf"), ("", "", ""),
        ]
        for item in cases {
            #expect(PathComponents.directory(of: item.path) == item.directory, "\(item.path)")
            #expect(PathComponents.name(of: item.path) == item.name, "\(item.path)")
        }
    }
}
