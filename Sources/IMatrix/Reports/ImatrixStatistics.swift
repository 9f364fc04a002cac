/// llama-imatrix's `--show-statistics` for a whole collection: a ``TensorStatistics`` row per
/// entry with data, in llama.cpp's order (short tensor name ascending, then Σ(Act²)
/// descending), CosSim against the previous block, and the per-layer weighted table.
///
///     let file = try ImportanceMatrix.read(path: "imatrix.gguf")
///     var collection = ImatrixCollection()
///     try collection.add(file, chunkSize: file.chunkSize ?? 512)
///     print(ImatrixStatistics(collection: collection).text(source: "imatrix.gguf"))
public struct ImatrixStatistics: Sendable, Equatable, Encodable {
    /// Tensor rows in table order.
    public let tensors: [TensorStatistics]
    /// Per-layer rows, blocks ascending.
    public let layers: [LayerStatistics]
    /// Entries left out because no matrix received tokens, in byte-wise name order.
    public let skipped: [String]

    public init(collection: ImatrixCollection) {
        var rows: [TensorStatistics] = []
        var skipped: [String] = []
        for entry in collection.sortedEntries {
            if let row = TensorStatistics(entry: entry) { rows.append(row) } else { skipped.append(entry.name) }
        }
        let included = Set(rows.map(\.name))
        for index in rows.indices {
            guard let previous = TensorLabel.previousBlockName(of: rows[index].name), included.contains(previous),
                  let current = collection.entries[rows[index].name], let earlier = collection.entries[previous]
            else { continue }
            rows[index].cosineSimilarity = TensorStatistics.cosineSimilarity(current.sums, earlier.sums)
        }
        rows.sort { a, b in
            if a.label.tensor != b.label.tensor { return ImatrixCollection.byteOrder(a.label.tensor, b.label.tensor) }
            return a.sum > b.sum
        }
        tensors = rows
        layers = LayerStatistics.layers(of: rows)
        self.skipped = skipped
    }
}
