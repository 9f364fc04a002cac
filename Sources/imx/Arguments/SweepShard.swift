import ArgumentParser

/// `--shard i/n`: every n-th grid point starting at i (0-based).
struct SweepShard: OptionValue, Sendable {
    let index: Int
    let count: Int

    init?(argument: String) {
        let parts = argument.split(separator: "/").map { Int($0) }
        guard parts.count == 2, let index = parts[0], let count = parts[1], count >= 1, index >= 0, index < count else { return nil }
        self.index = index
        self.count = count
    }

    static func parse(_ text: String, option: String) throws -> SweepShard {
        guard let shard = SweepShard(argument: text) else { throw CommandError("\(option): '\(text)' is not i/n with 0 ≤ i < n") }
        return shard
    }
}
