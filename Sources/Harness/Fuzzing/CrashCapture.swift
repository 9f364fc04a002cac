import Foundation

/// Saves the input being executed when the process dies: signal handlers for SIGSEGV, SIGBUS,
/// SIGILL (Swift's traps), SIGTRAP, SIGABRT and SIGFPE, running on an alternate stack (so a
/// stack overflow is caught too), write the current input from a buffer allocated up front
/// with `write(2)` to `DIR/crash-TARGET-HASH`, print `crash SIGNAL EXECUTIONS PATH` on
/// stdout and `_exit` with ``crashStatus``. Nothing in the handler allocates or locks.
///
/// The driver copies each input into the buffer (``prepare(_:)``) before running it; the
/// watchdog saves a hang the same way (``saveAndExit(kind:status:)``).
public enum CrashCapture {
    /// Exit status of a worker that crashed.
    public static let crashStatus: Int32 = 71
    /// Exit status of a worker that hung.
    public static let hangStatus: Int32 = 72

    /// Everything the handler touches, allocated once.
    struct State {
        var input: UnsafeMutablePointer<UInt8>
        var capacity: Int
        var length: Int
        var executions: Int
        /// `DIR/` followed by room for `KIND-TARGET-HASH` and a NUL.
        var path: UnsafeMutablePointer<CChar>
        var pathCapacity: Int
        var directoryLength: Int
        var target: UnsafeMutablePointer<CChar>
        var targetLength: Int
        /// A file to unlink on the way out (a target's scratch file), or nil.
        var scratch: UnsafeMutablePointer<CChar>?
    }

    nonisolated(unsafe) static var state: UnsafeMutablePointer<State>?
    nonisolated(unsafe) static var alternateStack: UnsafeMutableRawPointer?

    /// Allocates the buffers and installs the handlers on the calling thread's alternate stack.
    public static func install(directory: String, target: String, capacity: Int, scratch: String?) {
        func cString(_ text: String, extra: Int) -> (UnsafeMutablePointer<CChar>, Int) {
            let utf8 = Array(text.utf8)
            let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count + extra + 1)
            for (i, byte) in utf8.enumerated() { pointer[i] = CChar(bitPattern: byte) }
            pointer[utf8.count] = 0
            return (pointer, utf8.count)
        }
        let (path, directoryLength) = cString(directory.hasSuffix("/") ? directory : directory + "/", extra: target.utf8.count + 40)
        let (name, targetLength) = cString(target, extra: 0)
        let scratchPath = scratch.map { cString($0, extra: 0).0 }
        let pointer = UnsafeMutablePointer<State>.allocate(capacity: 1)
        pointer.initialize(to: State(input: .allocate(capacity: max(1, capacity)), capacity: capacity, length: 0,
                                     executions: 0, path: path, pathCapacity: directoryLength + target.utf8.count + 40,
                                     directoryLength: directoryLength, target: name, targetLength: targetLength,
                                     scratch: scratchPath))
        state = pointer

        let stackSize = 1 << 16
        let stack = UnsafeMutableRawPointer.allocate(byteCount: stackSize, alignment: 16)
        alternateStack = stack
        var alternate = stack_t(ss_sp: stack, ss_flags: 0, ss_size: stackSize)
        sigaltstack(&alternate, nil)
        for signal in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                CrashCapture.saveAndExit(kind: "crash", status: CrashCapture.crashStatus, signal: signal)
            }
            action.sa_flags = Int32(SA_ONSTACK) | Int32(bitPattern: UInt32(SA_RESETHAND))
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
    }

    /// Copies `input` into the buffer the handlers save from; counts the execution.
    @inline(__always)
    public static func prepare(_ input: UnsafeRawBufferPointer) {
        guard let state else { return }
        let length = min(input.count, state.pointee.capacity)
        if length > 0 { UnsafeMutableRawPointer(state.pointee.input).copyMemory(from: input.baseAddress!, byteCount: length) }
        state.pointee.length = length
        state.pointee.executions += 1
    }

    /// Writes the current input to `DIR/KIND-TARGET-HASH`, prints `KIND SIGNAL EXECUTIONS PATH`
    /// on stdout and exits with `status`. Async-signal-safe.
    public static func saveAndExit(kind: StaticString, status: Int32, signal: Int32 = 0) -> Never {
        guard let state else { _exit(status) }
        let s = state.pointee
        // FNV-1a of the input names the file.
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for i in 0..<s.length { hash = (hash ^ UInt64(s.input[i])) &* 0x0000_0100_0000_01B3 }
        var at = s.directoryLength
        func put(_ byte: UInt8) { if at < s.pathCapacity { s.path[at] = CChar(bitPattern: byte); at += 1 } }
        kind.withUTF8Buffer { for byte in $0 { put(byte) } }
        put(UInt8(ascii: "-"))
        for i in 0..<s.targetLength { put(UInt8(bitPattern: s.target[i])) }
        put(UInt8(ascii: "-"))
        let digits: StaticString = "0123456789abcdef"
        for shift in stride(from: 60, through: 0, by: -4) {
            put(digits.utf8Start[Int((hash >> UInt64(shift)) & 0xF)])
        }
        s.path[at] = 0
        let descriptor = open(s.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if descriptor >= 0 {
            var written = 0
            while written < s.length {
                let n = write(descriptor, s.input + written, s.length - written)
                if n <= 0 { break }
                written += n
            }
            close(descriptor)
        }
        if let scratch = s.scratch { unlink(scratch) }
        // "KIND SIGNAL EXECUTIONS PATH\n" on stdout, for the supervisor.
        writeStatic(kind)
        writeStatic(" ")
        writeNumber(Int(signal))
        writeStatic(" ")
        writeNumber(s.executions)
        writeStatic(" ")
        _ = write(1, s.path, at)
        writeStatic("\n")
        _exit(status)
    }

    private static func writeStatic(_ text: StaticString) {
        _ = write(1, text.utf8Start, text.utf8CodeUnitCount)
    }

    private static func writeNumber(_ value: Int) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var n = max(0, value), at = buffer.count
            repeat { at -= 1; buffer[at] = UInt8(ascii: "0") + UInt8(n % 10); n /= 10 } while n > 0 && at > 0
            _ = write(1, buffer.baseAddress! + at, buffer.count - at)
        }
    }
}
