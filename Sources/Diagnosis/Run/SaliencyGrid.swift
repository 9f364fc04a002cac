/// One module family's channel saliency as a layer × channel grid, for the heat map of
/// `imx diagnose`: one row per tensor of the family that has a layer and a channel profile
/// (sorted by layer, then name), channels binned so that a row has at most `maximumBins`
/// cells (a bin's value is the largest saliency in it), and every row divided by its own
/// largest bin so that rows of different scale compare (1 = the row's strongest bin).
public struct SaliencyGrid: Sendable {
    public var family: ModuleFamily
    /// The rows' tensor names and labels (`12`, or `12 ffn_up_exps` when a layer has several tensors of the family).
    public var tensorNames: [String]
    public var rowLabels: [String]
    /// Channels per bin (1: no binning), and the widest row's channel count.
    public var binWidth: Int
    public var columns: Int
    /// Per row, per bin: the bin's largest saliency over the row's largest, 0…1 (0 for a row without positive saliency).
    public var values: [[Double]]

    /// The grid of `family` in `result`; empty (no rows) when no tensor of the family has a profile.
    public init(_ result: DiagnosisResult, family: ModuleFamily, maximumBins: Int = 256) {
        let tensors = result.tensors
            .filter { $0.family == family && $0.layer != nil && $0.channels != nil }
            .sorted { ($0.layer!, $0.name) < ($1.layer!, $1.name) }
        let perLayer = Dictionary(grouping: tensors, by: { $0.layer! }).mapValues(\.count)
        self.family = family
        tensorNames = tensors.map(\.name)
        rowLabels = tensors.map { tensor in
            let layer = tensor.layer!
            return perLayer[layer, default: 1] > 1 ? "\(layer) \(DiagnosisFigures.shortName(tensor.name))" : "\(layer)"
        }
        columns = tensors.map { $0.channels!.saliency.count }.max() ?? 0
        let binWidth = max(1, (columns + maximumBins - 1) / max(1, maximumBins))
        self.binWidth = binWidth
        values = tensors.map { SaliencyGrid.binned($0.channels!.saliency, width: binWidth) }
    }

    /// The maxima of consecutive `width`-channel bins, divided by the largest (non-finite and negative values count as 0).
    static func binned(_ saliency: [Float], width: Int) -> [Double] {
        var bins: [Double] = []
        bins.reserveCapacity((saliency.count + width - 1) / width)
        var start = 0
        while start < saliency.count {
            let end = min(saliency.count, start + width)
            var largest = 0.0
            for value in saliency[start..<end] where value.isFinite && Double(value) > largest { largest = Double(value) }
            bins.append(largest)
            start = end
        }
        guard let top = bins.max(), top > 0 else { return bins.map { _ in 0 } }
        return bins.map { $0 / top }
    }
}
