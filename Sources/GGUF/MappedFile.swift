import Foundation

/// A read-only memory mapping of a whole file.
///
/// Owns the mapping for its lifetime; ``bytes`` is valid until the object is released. Tensor
/// data handed out by ``GGUFFile`` points into this mapping, so nothing is copied when a model
/// is opened.
public final class MappedFile: @unchecked Sendable {
    // @unchecked: the mapping is read-only (PROT_READ) and never changes after init.

    /// The path the file was opened with.
    public let path: String
    /// The mapped bytes (empty for an empty file).
    public let bytes: UnsafeRawBufferPointer

    /// Maps the file at `path`.
    /// - Throws: ``GGUFError`` of kind `.io` when the file cannot be opened, read or mapped.
    public init(path: String) throws(GGUFError) {
        self.path = path
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw GGUFError(file: path, field: "file", kind: .io, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw GGUFError(file: path, field: "file", kind: .io, message: "cannot stat: \(String(cString: strerror(errno)))")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw GGUFError(file: path, field: "file", kind: .io, message: "not a regular file")
        }
        let size = Int(status.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0)
        guard let address, address != MAP_FAILED else {
            throw GGUFError(file: path, field: "file", kind: .io, message: "cannot map \(size) bytes: \(String(cString: strerror(errno)))")
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    /// A private anonymous mapping holding a copy of `bytes`, named `path` in errors: the same
    /// object as a mapped file, for data that is already in memory (the fuzz targets).
    /// - Throws: ``GGUFError`` of kind `.io` when the memory cannot be mapped.
    public init(copying source: UnsafeRawBufferPointer, path: String) throws(GGUFError) {
        self.path = path
        guard source.count > 0, let from = source.baseAddress else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let address = mmap(nil, source.count, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let address, address != MAP_FAILED else {
            throw GGUFError(file: path, field: "file", kind: .io, message: "cannot map \(source.count) bytes: \(String(cString: strerror(errno)))")
        }
        address.copyMemory(from: from, byteCount: source.count)
        mprotect(address, source.count, PROT_READ)
        bytes = UnsafeRawBufferPointer(start: address, count: source.count)
    }

    /// Tells the kernel the mapped pages of `range` (byte offsets) are not needed for now, so
    /// they leave the resident set; reading them again faults them back in from the file.
    /// Only whole pages inside the range are released.
    public func releasePages(_ range: Range<Int>) {
        guard let base = bytes.baseAddress, !range.isEmpty else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound + page - 1) / page * page
        let end = range.upperBound / page * page
        guard end > start else { return }
        madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }

    deinit {
        if let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        }
    }
}
