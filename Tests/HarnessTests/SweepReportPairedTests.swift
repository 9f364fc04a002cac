import Foundation
import Harness
import TestSupport
import Testing

/// The report with paired comparisons: the ΔKLD and verdict columns, and a ★ only where the
/// intervals single a formula out.
@Suite("Sweep report, paired")
struct SweepReportPairedTests {
    typealias F = SweepReportFixture

    static func difference(_ mean: Double, _ low: Double, _ high: Double) -> PairedDifference {
        PairedDifference(mean: mean, standardError: (high - low) / 4, low: low, high: high, chunks: 16)
    }

    /// The fixture's records, paired: Q4_K's λ=0.5 better and λ=1 worse than llama, Q6_K's λ=0.5 a tie.
    static func records(q6: PairedDifference = difference(0.002, -0.001, 0.005)) -> [SweepRecord] {
        let pairs: [String: PairedDifference] = [
            "Q4_K/lognormal(lambda=0.5)": difference(-0.01, -0.015, -0.004),
            "Q4_K/lognormal(lambda=1)": difference(0.01, 0.006, 0.014),
            "Q6_K/lognormal(lambda=0.5)": q6,
        ]
        return F.records().map { record in
            var record = record
            if let kld = pairs[record.variant] {
                record.evaluation?.paired = PairedScore(baseline: "\(record.type)/llama", kld: kld, nll: difference(kld.mean / 2, kld.low! / 2, kld.high! / 2))
            }
            return record
        }
    }

    static func rows(_ markdown: String, _ type: String) -> [String: [String: String]] {
        let rows = ReportTextParsing.table(ReportTextParsing.section(markdown, heading: "## \(type)")).rows
        return Dictionary(rows.map { ($0["formula"]!, $0) }, uniquingKeysWith: { a, _ in a })
    }

    @Test("ΔKLD with its interval and the verdict per formula; the baseline says so")
    func columns() throws {
        let markdown = SweepReport.markdown(description: F.description, records: Self.records())
        let q4 = Self.rows(markdown, "Q4_K")
        let column = "ΔKLD vs llama [95%]"
        #expect(q4["`llama`"]?["verdict"] == "baseline" && q4["`llama`"]?[column] == "—")
        let better = try #require(q4["**`lognormal(lambda=0.5)`** ★"])
        #expect(better["verdict"] == "better" && better[column] == "-0.01 [-0.015, -0.004]")
        #expect(q4["`lognormal(lambda=1)`"]?["verdict"] == "worse" && q4["`lognormal(lambda=1)`"]?[column] == "+0.01 [+0.006, +0.014]")
        #expect(Self.rows(markdown, "Q6_K")["`lognormal(lambda=0.5)`"]?["verdict"] == "tie")
    }

    @Test("No ★ where the intervals tie; the baseline's ★ when every other formula is worse")
    func stars() throws {
        let tied = ReportTextParsing.section(SweepReport.markdown(description: F.description, records: Self.records()), heading: "## Q6_K")
        #expect(!tied.contains { $0.contains("★") && $0.hasPrefix("|") })
        #expect(tied.contains { $0.hasPrefix("No ★: no formula is better than `llama` beyond the 95% interval") })
        let worse = SweepReport.markdown(description: F.description, records: Self.records(q6: Self.difference(0.003, 0.001, 0.005)))
        #expect(Self.rows(worse, "Q6_K")["**`llama`** ★"] != nil)
    }

    @Test("summary.csv carries the paired numbers and the verdict")
    func csv() throws {
        let rows = ReportTextParsing.csv(SweepReport.csv(description: F.description, records: Self.records()))
        let header = rows[0]
        func cell(_ variant: String, _ name: String) -> String { rows.first { $0[0] == variant }![header.firstIndex(of: name)!] }
        #expect(cell("Q4_K/lognormal(lambda=0.5)", "eval_kld_diff") == "-0.01")
        #expect(cell("Q4_K/lognormal(lambda=0.5)", "eval_kld_diff_high") == "-0.004")
        #expect(cell("Q4_K/lognormal(lambda=0.5)", "eval_nll_diff_low") == "-0.0075")
        #expect(cell("Q4_K/lognormal(lambda=0.5)", "eval_verdict") == "better")
        #expect(cell("Q4_K/lognormal(lambda=0.5)", "eval_chunks") == "16")
        #expect(cell("Q4_K/llama", "eval_verdict") == "" && cell("Q4_K/llama", "calib_kld_diff") == "")
    }
}
