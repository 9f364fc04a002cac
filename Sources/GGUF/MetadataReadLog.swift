import Synchronization

/// The metadata keys a reader asked for, shared by the copies of one ``GGUFMetadata``
/// (see ``GGUFMetadata/readLog``).
public final class MetadataReadLog: Sendable {
    private let keys = Mutex<Set<String>>([])

    public init() {}

    func record(_ key: String) { keys.withLock { _ = $0.insert(key) } }

    /// Whether `key` was asked for.
    public func contains(_ key: String) -> Bool { keys.withLock { $0.contains(key) } }
}
