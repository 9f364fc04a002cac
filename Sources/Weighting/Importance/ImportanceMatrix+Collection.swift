import IMatrix

extension ImportanceMatrix {
    /// The importance llama-quantize would read from `collection` written as a GGUF imatrix
    /// (sums and counts in float32), without writing it.
    public init(collection: ImatrixCollection, source: String) {
        var entries: [String: Entry] = [:]
        for (name, entry) in collection.entries {
            entries[name] = Entry(name: name, values: entry.sums.map { Float($0) }, counts: entry.counts.map { Float($0) },
                                  isLegacy: false)
        }
        self.init(path: source, entries: entries)
    }
}
