import Foundation
import NativeKernels

/// The process's standard output as `print` writes it (the C stream): flushing it and learning
/// whether any write failed, so a command whose results went nowhere (`> /dev/full`) can fail.
public enum StandardOutputStream {
    /// Flushes stdout; returns nil when every write succeeded, else the system's reason.
    public static func flush() -> String? {
        let failure = imx_flush_standard_output()
        return failure == 0 ? nil : String(cString: strerror(failure))
    }
}
