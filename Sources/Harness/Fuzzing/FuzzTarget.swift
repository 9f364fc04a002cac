/// Something the fuzzer feeds inputs to: one reader or parser of the project, called in process
/// on bytes the ``FuzzMutator`` made.
///
/// `run` either returns (the input was accepted) or throws the reader's own error, which the
/// driver checks is one clean line (see ``FuzzOutcome``). A crash, a trap, a hang or an
/// allocation beyond the memory limit is caught outside the target (``CrashCapture``,
/// ``FuzzWatchdog``).
public protocol FuzzTarget: AnyObject {
    /// The name on the command line (`gguf`, `imatrix-dat`, …).
    var name: String { get }
    /// Inputs to start from besides the corpus folder (built in, so a target fuzzes without one).
    func seeds() -> [[UInt8]]
    /// Byte sequences worth inserting (keywords, names, number spellings); may be empty.
    var dictionary: [[UInt8]] { get }
    /// Fields of `input` worth overwriting with interesting integers (structure-aware offsets).
    func fields(of input: [UInt8]) -> [FuzzField]
    /// What every clean error description starts with (the name the input was read under), or
    /// nil when errors need not name a file.
    var errorPrefix: String? { get }
    /// A scratch file the target writes inputs to (removed when the worker crashes), or nil.
    var scratchPath: String? { get }
    /// Feeds one input to the reader.
    func run(_ input: UnsafeRawBufferPointer) throws
    /// Removes anything the target created (scratch files); called once at the end of a run.
    func finish()
}

extension FuzzTarget {
    public var dictionary: [[UInt8]] { [] }
    public func fields(of input: [UInt8]) -> [FuzzField] { [] }
    public func finish() {}
    public var scratchPath: String? { nil }
}

/// A fixed-width integer field inside an input, at a byte offset.
public struct FuzzField: Sendable, Equatable {
    /// Byte offset of the field.
    public var offset: Int
    /// Width in bytes: 1, 2, 4 or 8.
    public var width: Int

    public init(offset: Int, width: Int) {
        self.offset = offset
        self.width = width
    }
}

/// A broken promise found by a target's own check (for example a token id outside the
/// vocabulary): reported as a finding, not as the reader's error.
public struct FuzzInvariantError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = "invariant violated: " + description }
}
