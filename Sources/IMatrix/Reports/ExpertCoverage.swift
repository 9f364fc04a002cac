/// Which experts of an MoE model an imatrix covers: per expert tensor the tokens each expert
/// received, the experts that got none (by id) or fewer than ``minimumTokens``, and what each
/// partial-data policy would write; plus a summary. Works offline on a GGUF imatrix or a legacy
/// `.dat` (optionally checked against the model), and on a run's collection:
///
///     let coverage = ExpertCoverage(collection: accumulator.collection)
///     print(coverage.summaryText)   // or .text; both rendered by Harness's ExpertCoverageText
///
/// Expert tensors are entries with one count per expert, and entries named `*_exps` (or, with
/// the model, whose weight has more than one matrix) whose counts were not stored.
public struct ExpertCoverage: Sendable, Equatable, Encodable {
    /// Experts with fewer tokens than this (but at least one) are reported as under-covered,
    /// unless the caller chooses another threshold.
    ///
    /// Why 32: an expert's importance is the per-column mean of x² over its tokens. For
    /// roughly Gaussian inputs x² has a coefficient of variation of √2, so the mean of n tokens
    /// is uncertain by about √(2/n): 25 % at 32 tokens, 10 % at 200. Below 32 tokens an
    /// expert's importance is more noise than signal. The threshold is absolute because the
    /// estimate's noise depends on the expert's own token count, not on the other experts'.
    public static let defaultMinimumTokens = 32

    /// Totals over all expert tensors.
    public struct Summary: Sendable, Equatable, Encodable {
        /// Blocks with at least one expert tensor.
        public let moeLayers: Int
        public let expertTensors: Int
        /// Expert tensors with at least one zero-token expert.
        public let tensorsWithMissingExperts: Int
        /// Distinct (layer, expert) pairs with no token in some expert tensor of the layer.
        public let zeroTokenExperts: Int
        /// (tensor, expert) pairs with no token (gate, up and down each count).
        public let zeroTokenMatrices: Int
        /// Distinct (layer, expert) pairs with 1 … minimum − 1 tokens.
        public let lowTokenExperts: Int
        /// Legacy data: distinct (layer, expert) pairs the writer filled.
        public let likelyUnusedExperts: Int
        /// Tokens behind the data: the count of the dense entries (nil when unknown, e.g. legacy).
        public let tokensSeen: Int64?
        /// At the observed routing rates, the total tokens after which every expert that got
        /// some tokens but fewer than the minimum would reach it: the largest
        /// ⌈tokensSeen · minimum / count⌉ over those experts (nil when there are none or the
        /// token total is unknown). Experts with no token give no rate to extrapolate.
        public let tokensForMinimum: Int64?
    }

    /// The imatrix file (or `run` for a collection).
    public let source: String
    /// `gguf`, `dat` or `collection`.
    public let format: String
    /// The model checked against, if any.
    public let model: String?
    /// Whether every expert tensor has per-expert token counts.
    public let countsRecoverable: Bool
    /// The threshold for ``ExpertTensorCoverage/lowTokenExperts``.
    public let minimumTokens: Int
    /// Expert tensors by layer, then name.
    public let tensors: [ExpertTensorCoverage]
    /// With the model: its weights that have no imatrix entry.
    public let missingFromImatrix: [String]
    /// ``missingFromImatrix`` with what llama-quantize does with each, and why it has no data.
    public let uncoveredWeights: [UncoveredWeight]
    /// With the model: imatrix entries that are not tensors of the model.
    public let notInModel: [String]
    /// Explanations of what could not be known.
    public let notes: [String]
    public let summary: Summary

    /// The coverage of a run's (or loaded files') collection.
    public init(collection: ImatrixCollection, minimumTokens: Int = ExpertCoverage.defaultMinimumTokens, source: String = "run") {
        var tensors: [ExpertTensorCoverage] = []
        for entry in collection.sortedEntries {
            if entry.isPerExpert {
                tensors.append(ExpertTensorCoverage(counted: entry, minimumTokens: minimumTokens))
            } else if ExpertCoverage.isExpertName(entry.name) {
                tensors.append(ExpertTensorCoverage(uncounted: entry.name, layout: nil, values: [], fill: 0))
            }
        }
        var notes: [String] = []
        if tensors.contains(where: { !$0.isCounted }) {
            notes.append("expert tensors with a single count (loaded from a legacy imatrix): per-expert counts not recoverable")
        }
        let dense = collection.entries.values.filter { !$0.isPerExpert && !ExpertCoverage.isExpertName($0.name) }
        self.init(source: source, format: "collection", model: nil, minimumTokens: minimumTokens, tensors: tensors,
                  missingFromImatrix: [], notInModel: [], notes: notes, tokensSeen: dense.map(\.maximumCount).max())
    }

    /// The coverage of a stored imatrix, optionally checked against the model's tensor shapes.
    /// - Throws: ``ImatrixError`` naming the imatrix file and entry when an entry's size differs
    ///   from the model's tensor (columns × experts), or its per-expert counts from the model's
    ///   expert count.
    public init(file: ImportanceMatrix, model: ModelTensorShapes? = nil,
                minimumTokens: Int = ExpertCoverage.defaultMinimumTokens) throws(ImatrixError) {
        var notInModel: [String] = []
        if let model {
            for entry in file.entries {
                guard let layout = model.layout(of: entry.name) else {
                    notInModel.append(entry.name)
                    continue
                }
                let expected = layout.columns * layout.matrices
                guard entry.values.count == expected else {
                    throw ImatrixError(file: file.path, field: entry.name,
                                       message: "\(entry.values.count) values, but \(model.path) has \(layout.columns) columns × \(layout.matrices) matrices = \(expected) for this tensor (an imatrix of another model?)")
                }
                guard file.format == .dat || entry.counts.count == 1 || entry.counts.count == layout.matrices else {
                    throw ImatrixError(file: file.path, field: entry.name + ".counts",
                                       message: "\(entry.counts.count) counts, but \(model.path) has \(layout.matrices) experts for this tensor")
                }
            }
        }
        var tensors: [ExpertTensorCoverage] = []
        var flatEntries: [String] = []
        let sorted = file.entries.sorted { ImatrixCollection.byteOrder($0.name, $1.name) }
        for entry in sorted {
            let layout = model?.layout(of: entry.name)
            if file.format == .gguf, entry.counts.count > 1 {
                let counted = ImatrixEntry(name: entry.name, sums: entry.values.map(Double.init), counts: entry.counts)
                tensors.append(ExpertTensorCoverage(counted: counted, minimumTokens: minimumTokens))
            } else if ExpertCoverage.isExpertName(entry.name) || model?.isExpertStack(entry.name) == true {
                if file.format == .gguf { flatEntries.append(entry.name) }
                tensors.append(ExpertTensorCoverage(uncounted: entry.name, layout: layout.flatMap { $0.matrices > 1 ? $0 : nil },
                                                    values: entry.values, fill: Float(entry.counts.first ?? 0)))
            }
        }
        var notes: [String] = []
        if file.format == .dat, !tensors.isEmpty {
            notes.append("legacy imatrix.dat: per-expert token counts are not stored (one ncall per tensor), counts not recoverable")
        }
        if !flatEntries.isEmpty {
            notes.append("\(flatEntries.count) expert tensor(s) have a single count (converted from a legacy file): per-expert counts not recoverable")
        }
        if tensors.contains(where: { !$0.isCounted }) {
            if model == nil {
                notes.append("the expert split is unknown without -m MODEL: experts the legacy writer filled cannot be detected")
            } else {
                notes.append("likely unused = every stored value equals the legacy writer's fill for an expert without tokens (importance 1 × ncall); a used expert matches only if all its columns' mean x² is exactly 1.0")
            }
        }
        if tensors.isEmpty { notes.append("no expert tensors (*_exps): nothing is routed, every tensor is dense") }
        let present = Set(file.entries.map(\.name))
        let missing = model?.matrixTensorNames.filter { !present.contains($0) } ?? []
        let denseCounts = file.format == .gguf
            ? file.entries.filter { $0.counts.count == 1 && !ExpertCoverage.isExpertName($0.name) }.map { $0.counts[0] } : []
        self.init(source: file.path, format: file.format.rawValue, model: model?.path, minimumTokens: minimumTokens,
                  tensors: tensors, missingFromImatrix: missing, notInModel: notInModel, notes: notes,
                  tokensSeen: denseCounts.max())
    }

    private init(source: String, format: String, model: String?, minimumTokens: Int, tensors: [ExpertTensorCoverage],
                 missingFromImatrix: [String], notInModel: [String], notes: [String], tokensSeen: Int64?) {
        let ordered = tensors.sorted { ($0.layer, $0.family) < ($1.layer, $1.family) }
        self.source = source
        self.format = format
        self.model = model
        self.minimumTokens = minimumTokens
        self.tensors = ordered
        self.countsRecoverable = ordered.allSatisfy(\.isCounted)
        self.missingFromImatrix = missingFromImatrix
        let nextPrediction = UncoveredWeight.nextPredictionBlocks(in: missingFromImatrix)
        uncoveredWeights = missingFromImatrix.map { UncoveredWeight(name: $0, nextPredictionBlocks: nextPrediction) }
        self.notInModel = notInModel
        self.notes = notes
        func pairs(_ ids: (ExpertTensorCoverage) -> [Int]) -> Int {
            Set(ordered.flatMap { tensor in ids(tensor).map { "\(tensor.layer):\($0)" } }).count
        }
        summary = Summary(moeLayers: Set(ordered.map(\.layer)).count, expertTensors: ordered.count,
                          tensorsWithMissingExperts: ordered.filter { !$0.zeroTokenExperts.isEmpty }.count,
                          zeroTokenExperts: pairs(\.zeroTokenExperts),
                          zeroTokenMatrices: ordered.reduce(0) { $0 + $1.zeroTokenExperts.count },
                          lowTokenExperts: pairs(\.lowTokenExperts),
                          likelyUnusedExperts: pairs { $0.likelyUnusedExperts ?? [] },
                          tokensSeen: tokensSeen,
                          tokensForMinimum: tokensSeen.flatMap { ExpertCoverage.tokensNeeded(seen: $0, tensors: ordered, minimum: minimumTokens) })
    }

    /// The total tokens at which every under-covered (but routed) expert would reach `minimum`
    /// tokens if routing continued at the rate seen so far; nil when no expert is under-covered.
    static func tokensNeeded(seen: Int64, tensors: [ExpertTensorCoverage], minimum: Int) -> Int64? {
        let needs = tensors.flatMap { tensor in
            (tensor.tokensPerExpert ?? []).filter { $0 > 0 && $0 < Int64(minimum) }.map { count -> Int64 in
                let (product, overflow) = seen.multipliedReportingOverflow(by: Int64(minimum))
                return overflow ? Int64.max : (product + count - 1) / count
            }
        }
        return needs.max()
    }

    /// Whether `name` is an expert tensor by llama.cpp's naming (`…_exps.weight`).
    public static func isExpertName(_ name: String) -> Bool { TensorLabel(name: name).tensor.hasSuffix("_exps") }
}
