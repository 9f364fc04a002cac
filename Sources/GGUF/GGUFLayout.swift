/// Constants of the GGUF container format shared by the reader and the writer.
enum GGUFLayout {
    /// `"GGUF"` as the first four bytes of the file.
    static let magic: [UInt8] = Array("GGUF".utf8)
    /// Versions this project reads (v1 used 32-bit counts and is not supported).
    static let supportedVersions: ClosedRange<UInt32> = 2...3
    /// The version this project writes.
    static let writtenVersion: UInt32 = 3
    /// Alignment of the data section and of every tensor when `general.alignment` is absent.
    static let defaultAlignment = 32
    /// The key that overrides the alignment (a `UINT32` power of two).
    static let alignmentKey = "general.alignment"
    /// ggml's `GGML_MAX_NAME`: tensor names must be shorter than this.
    static let maximumNameLength = 64
    /// ggml's `GGML_MAX_DIMS`.
    static let maximumDimensions = 4

    /// `offset` rounded up to a multiple of `alignment`.
    static func align(_ offset: Int, to alignment: Int) -> Int {
        (offset + alignment - 1) / alignment * alignment
    }
}
