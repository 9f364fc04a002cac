extension ImportanceMatrix {
    /// The importance llama-quantize would read from `collection` written as a GGUF imatrix
    /// (sums in float32, counts per matrix), without writing it; entries in name order.
    public init(collection: ImatrixCollection, source: String) {
        let entries = collection.entries.keys.sorted().map { name in
            let entry = collection.entries[name]!
            return Entry(name: name, values: entry.sums.map { Float($0) }, counts: entry.counts)
        }
        self.init(path: source, format: .gguf, entries: entries, datasets: [], chunkCount: nil, chunkSize: nil)
    }
}
