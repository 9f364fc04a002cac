import Foundation

/// Notes, warnings and progress for the person at the terminal: everything imx says besides its
/// results goes to standard error through here, so standard output stays the result alone.
///
///     Console.note("override: qwen3moe.expert_used_count = 16")
///     Console.progress("12/40 chunks")   // rewrites the current line
///     Console.endProgress()
public enum Console {
    /// Writes `line` and a newline to standard error.
    public static func note(_ line: String) {
        write(line + "\n")
    }

    /// Writes `text` to standard error as it is (no newline).
    public static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Replaces the current terminal line with `text` (carriage return, erase to end of line).
    public static func progress(_ text: String) {
        write("\r\u{1B}[K" + text)
    }

    /// Erases the progress line, leaving the cursor at its start.
    public static func endProgress() {
        write("\r\u{1B}[K")
    }
}
