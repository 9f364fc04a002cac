import Reports

/// The report of a sweep, built from its description and records alone: `report.md` (a table
/// per type comparing the formulas with the baseline, per-expert effects for MoE models),
/// `summary.csv` (one row per grid point), `experts.csv` (per expert, MoE only) and SVG plots.
///
///     try SweepReport.write(description: description, records: records, to: "runs/my-sweep")
///
/// Everything is a pure function of its inputs: records are arranged by grid index whatever
/// order they come in, and wall times (``SweepRecord/seconds``) and dates appear nowhere, so an
/// interrupted and resumed sweep reports byte-for-byte what an uninterrupted one does.
public enum SweepReport {
    /// `report.md`.
    public static func markdown(description: SweepDescription, records: [SweepRecord]) -> String {
        let grid = SweepGrid(description: description, records: records)
        var sections = [header(grid)]
        sections += grid.types.map { typeSection(grid, type: $0) }
        if let imatrix = imatrixSection(grid) { sections.append(imatrix) }
        if let experts = expertSection(grid) { sections.append(experts) }
        let plots = plotList(grid)
        if !plots.isEmpty {
            sections.append("## Plots\n\n" + plots.map { "![\(MarkdownTable.plain($0.caption))](plots/\($0.fileName))\n" }.joined(separator: "\n"))
        }
        return sections.joined(separator: "\n")
    }

    /// `summary.csv`: a header row, then one row per record in grid order.
    public static func csv(description: SweepDescription, records: [SweepRecord]) -> String {
        summaryCSV(SweepGrid(description: description, records: records))
    }

    /// `experts.csv` (one row per expert of every expert tensor of every record), or nil when
    /// no record has per-expert scores.
    public static func expertCSV(description: SweepDescription, records: [SweepRecord]) -> String? {
        expertCSV(SweepGrid(description: description, records: records))
    }

    /// The SVG plots, named as they are linked from `report.md` (`plots/NAME`).
    public static func plots(description: SweepDescription, records: [SweepRecord]) -> [(fileName: String, svg: String)] {
        plotList(SweepGrid(description: description, records: records)).map { ($0.fileName, $0.svg) }
    }

    /// Writes `report.md`, `summary.csv`, `experts.csv` (MoE only) and `plots/*.svg` into
    /// `folder` (created if needed), each file atomically.
    public static func write(description: SweepDescription, records: [SweepRecord], to folder: String) throws(ReportFile.WriteError) {
        let plotsFolder = folder + "/plots"
        try ReportFile.makeDirectory(folder)
        try ReportFile.makeDirectory(plotsFolder)
        for plot in plots(description: description, records: records) {
            try ReportFile.write(plot.svg, to: plotsFolder + "/" + plot.fileName)
        }
        if let experts = expertCSV(description: description, records: records) {
            try ReportFile.write(experts, to: folder + "/experts.csv")
        }
        try ReportFile.write(csv(description: description, records: records), to: folder + "/summary.csv")
        try ReportFile.write(markdown(description: description, records: records), to: folder + "/report.md")
    }
}
