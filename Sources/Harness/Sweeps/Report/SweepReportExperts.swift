import Reports
import Weighting

/// The "Per-expert effects" section of `report.md` (MoE models): expert matrices bucketed by
/// the calibration tokens routed to them, and per formula the pooled weighted RMSE of each
/// bucket relative to the baseline. Regularised formulas are expected to differ from the
/// baseline mostly on the rarely routed experts, whose importance rests on few tokens.
extension SweepReport {
    /// The calibration-token buckets, in order.
    static let tokenBucketLabels = ["0 tokens", "1–9 tokens", "10–99 tokens", "≥100 tokens"]

    /// The bucket (index into ``tokenBucketLabels``) of an expert with `tokens` calibration tokens.
    static func tokenBucket(_ tokens: Double) -> Int {
        tokens <= 0 ? 0 : tokens < 10 ? 1 : tokens < 100 ? 2 : 3
    }

    static func expertSection(_ grid: SweepGrid) -> String? {
        let types = grid.types.filter { type in grid.records(type: type).contains(where: \.hasExperts) }
        guard !types.isEmpty else { return nil }
        var out = "## Per-expert effects\n\n"
        out += "Expert matrices (tensor × expert) bucketed by the calibration tokens routed to them (n: matrices per bucket). "
        out += "Cells: the bucket's pooled wRMSE ÷ \(MarkdownTable.code(grid.description.baseline))'s. "
        out += "Regularised formulas should differ from the baseline most on rarely routed experts.\n"
        for type in types {
            let records = grid.records(type: type).filter(\.hasExperts)
            let reference = grid.baseline(type: type).flatMap { $0.hasExperts ? $0 : nil } ?? records[0]
            let counts = tokenBucketLabels.indices.map { experts(of: reference, in: $0).count }
            var table = MarkdownTable(headers: ["formula"] + zip(tokenBucketLabels, counts).map { "\($0) (n=\($1))" })
            let baseline = grid.baseline(type: type).map(bucketWeightedRMSE)
            for record in records {
                let values = bucketWeightedRMSE(record)
                table.append([MarkdownTable.code(record.formula)] + values.indices.map { ratio(values[$0], baseline?[$0]) })
            }
            out += "\n### \(MarkdownTable.plain(type))\n\n" + table.render()
            if let baseline {
                let absolute = zip(tokenBucketLabels, baseline).map { "\($0) \($1.map { Formatting.scientific($0, 3) } ?? absent)" }
                out += "\n\(MarkdownTable.code(grid.description.baseline)) pooled wRMSE: " + absolute.joined(separator: ", ") + ".\n"
            }
        }
        return out
    }

    /// Per bucket, the parameter-weighted RMS of the experts' weighted RMSE; nil for an empty bucket.
    static func bucketWeightedRMSE(_ record: SweepRecord) -> [Double?] {
        tokenBucketLabels.indices.map { bucket in
            let members = experts(of: record, in: bucket)
            return members.isEmpty ? nil : SweepRecord.pooled(members.map { ($0.totals.elements, $0.totals.weightedRMSE) })
        }
    }

    /// The expert matrices of every expert tensor of `record` whose token count falls in `bucket`.
    private static func experts(of record: SweepRecord, in bucket: Int) -> [SweepRecord.ExpertScore] {
        record.tensors.flatMap { ($0.experts ?? []).filter { tokenBucket($0.tokens) == bucket } }
    }
}
