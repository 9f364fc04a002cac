import Diagnosis
import Foundation
import Harness
import Reports
import TestSupport
import Testing
import Weighting

/// The figures and HTML page of `imx diagnose`, on a small synthetic result: three layers of
/// `attn_q` (512 columns) and `ffn_down` (2048 columns), each with a planted outlier channel.
@Suite("Diagnosis figures and HTML page")
struct DiagnosisFiguresTests {
    static let outlierColumn = ["q": 7, "down": 1500]

    /// Deterministic values in 0.5…1.5.
    static func noise(_ index: Int, _ seed: Int) -> Float {
        var state = UInt64(truncatingIfNeeded: index &* 2_654_435_761 &+ seed &* 40_503 &+ 1)
        state ^= state >> 13
        state = state &* 0x5bd1e995
        state ^= state >> 15
        return 0.5 + Float(state % 1000) / 1000
    }

    static func tensor(layer: Int, family: ModuleFamily, columns: Int, zeroPower: [Int] = [], zeroError: [Int] = []) -> TensorDiagnosis {
        let outlier = outlierColumn[family.rawValue]!
        var power = (0..<columns).map { noise($0, layer * 7 + 1) }
        var saliency = (0..<columns).map { noise($0, layer * 7 + 2) }
        var weightError = (0..<columns).map { noise($0, layer * 7 + 3) * 0.01 }
        power[outlier] = 400
        saliency[outlier] = 100
        for column in zeroPower { power[column] = 0 }
        for column in zeroError { weightError[column] = 0 }
        let name = "blk.\(layer).\(family == .q ? "attn_q" : "ffn_down").weight"
        let weights = WeightStructure(mean: 0, standardDeviation: 0.02, skewness: 0, excessKurtosis: 1.5,
                                      percentiles: .init(min: -0.1, p1: -0.05, p5: -0.03, p25: -0.01, p50: 0, p75: 0.01, p95: 0.03, p99: 0.05, max: 0.1),
                                      rowMeanSpread: 0.1, rowDeviationCV: 0.2, groupOffsetImportance: 0.1,
                                      twoBitErrorWithoutOffset: 0.5, twoBitErrorWithOffset: 0.4)
        let share = family == .down ? 0.2 + Double(layer) * 0.1 : 0.05
        let activations = ActivationStructure(rows: 512, rmsCV: 1.2, rmsMaxOverMin: 30, top1PercentPowerShare: share,
                                              top10PercentPowerShare: 0.4, excessKurtosis: 12, outlierFraction: 0.001,
                                              negativeFraction: 0.5, nearZeroFraction: 0.01, outlierColumns: [outlier])
        let decomposition = [4, 2].map { bits in
            ErrorDecomposition(bits: bits, groupSize: 32, correlation: 0.1, rankCorrelation: 0.2, topShares: [0.1, 0.2, 0.3, 0.5],
                               superBlockShares: [1], relativeError: bits == 4 ? 0.05 : 0.2)
        }
        let search = [4, 2].map { bits in
            ScaleSearch(bits: bits, alphas: [0, 0.5, 1], errors: [0.1, 0.08, 0.09], bestAlpha: 0.5, plainError: 0.1, bestError: 0.08,
                        reduction: 1.25, ggmlType: bits == 4 ? "q4_K" : "q2_K", ggmlLlamaError: 0.07, formula: "x2", ggmlFormulaError: 0.075)
        }
        return TensorDiagnosis(name: name, layer: layer, family: family, columns: columns, rows: 64, experts: 1, storedType: "f16",
                               expertRows: [512], weights: weights, activations: activations,
                               saliency: ChannelSaliency(top1PercentShare: 0.3, top10PercentShare: 0.5, topChannels: [outlier]),
                               decomposition: decomposition, scaleSearch: search,
                               channels: ChannelProfile(power: power, saliency: saliency, weightError: weightError))
    }

    static var result: DiagnosisResult {
        let tensors = (0..<3).flatMap { layer in
            [tensor(layer: layer, family: .q, columns: 512),
             tensor(layer: layer, family: .down, columns: 2048, zeroPower: layer == 1 ? [3, 4, 5] : [], zeroError: layer == 1 ? [9, 10] : [])]
        }
        let families = [ModuleFamily.q, .down].map { family in
            FamilySummary(family: family, tensors: 3, meanTop1PercentPowerShare: 0.2, meanSaliencyTop1PercentShare: 0.3,
                          meanOutlierColumns: 1, meanRelativeError: [0.05, 0.2],
                          scaleSearch: [4, 2].map { .init(bits: $0, meanBestAlpha: 0.5, meanReduction: 1.25, meanPlainError: 0.1, meanBestError: 0.08,
                                                          meanGGMLLlamaError: 0.07, meanGGMLFormulaError: 0.075,
                                                          ggmlLlamaReduction: 1.43, ggmlFormulaReduction: 1.33) })
        }
        return DiagnosisResult(model: "tiny <model>.gguf", text: "wiki & co.txt", contextLength: 128, chunks: 4, tokens: 512,
                               tensorPattern: "attn_q|ffn_down", bits: [4, 2], groupSize: 32, sampleRows: 64, formula: "x2",
                               tensors: tensors, families: families, findings: ["ffn_down has an outlier channel <1500>"])
    }

    static let empty = DiagnosisResult(model: "m", text: "t", contextLength: 0, chunks: 0, tokens: 0, tensorPattern: ".*", bits: [4],
                                       groupSize: 32, sampleRows: 0, formula: nil, tensors: [], families: [], findings: [])

    static func circles(_ elements: [MarkupElements.Element]) -> Int { elements.filter { $0.name == "circle" }.count }

    @Test("Scatter plot: one circle per drawable point, ≤ 0 on a log axis left out and counted, 10k points stay small")
    func scatter() throws {
        let points = (0..<10_000).map { ScatterPlot.Point(x: Double($0 % 97), y: Double($0 % 13) - 1) }   // x = 0 and y ≤ 0 on some
        let drawable = points.filter { $0.x > 0 && $0.y > 0 }.count
        let plot = ScatterPlot(title: "a & b", x: .init(label: "x", scale: .logarithmic), y: .init(label: "y", scale: .logarithmic),
                               series: [.init(name: "first", points: Array(points.prefix(6000))), .init(name: "<second>", points: Array(points.dropFirst(6000)))])
        let svg = plot.svg()
        let elements = try MarkupElements.parse(Data(svg.utf8))
        #expect(Self.circles(elements) == drawable)
        #expect(plot.nonPositiveCount == 10_000 - drawable)
        #expect(elements.contains { $0.attributes["class"] == "note" && $0.text.hasPrefix("\(10_000 - drawable) points with a value ≤ 0 on a log axis") })
        #expect(elements.contains { $0.attributes["class"] == "series" && $0.attributes["data-name"] == "<second>" })
        #expect(!elements.contains { $0.name == "title" && $0.text != "a & b" })   // no per-point titles
        #expect(svg.utf8.count < 500_000)

        let linear = ScatterPlot(title: "t", x: .init(label: "x"), y: .init(label: "y"),
                                 series: [.init(name: "s", points: [.init(x: 0, y: -1), .init(x: 1, y: .nan), .init(x: 2, y: 3)])])
        let linearElements = try MarkupElements.parse(Data(linear.svg().utf8))
        #expect(Self.circles(linearElements) == 2)
        #expect(linear.note == "1 point with a non-finite value left out")
    }

    @Test("Every figure parses as SVG; at most eight with distinct file names")
    func allFigures() throws {
        let figures = DiagnosisFigures.all(Self.result)
        #expect(figures.map(\.fileName) == ["saliency-sorted.svg", "saliency-heatmap-down.svg", "saliency-heatmap-q.svg", "error-reduction.svg",
                                            "power-vs-error-blk.2.ffn_down.svg", "power-vs-error-blk.1.ffn_down.svg"])
        for figure in figures {
            let elements = try MarkupElements.parse(Data(figure.svg.utf8))
            #expect(elements.first?.name == "svg", "\(figure.fileName)")
            #expect(elements.first { $0.name == "title" }?.text == figure.title, "\(figure.fileName)")
        }
    }

    @Test("Power–error scatter: one circle per column with positive power and error; outliers in their own series")
    func powerErrorScatter() throws {
        let tensor = Self.result.tensors.first { $0.name == "blk.1.ffn_down.weight" }!
        let elements = try MarkupElements.parse(Data(DiagnosisFigures.powerErrorScatter(tensor).utf8))
        #expect(Self.circles(elements) == 2048 - 5)
        #expect(elements.contains { $0.attributes["class"] == "note" && $0.text.hasPrefix("5 points with a value ≤ 0") })
        let series = elements.filter { $0.attributes["class"] == "series" }.map { $0.attributes["data-name"] ?? "" }
        #expect(series == ["columns", "outlier columns"])
    }

    @Test("Heat map: 2048 channels binned into ≤ 256 cells per row; the planted outlier's bin is each layer's largest")
    func heatMap() throws {
        let grid = SaliencyGrid(Self.result, family: .down)
        #expect(grid.rowLabels == ["0", "1", "2"])
        #expect(grid.binWidth == 8 && grid.columns == 2048)
        for row in grid.values {
            #expect(row.count == 256)
            #expect(row.indices.max { row[$0] < row[$1] } == 1500 / 8)
            #expect(row[1500 / 8] == 1)
            #expect(row.enumerated().allSatisfy { $0.offset == 1500 / 8 || $0.element < 0.02 })
        }
        let elements = try MarkupElements.parse(Data(DiagnosisFigures.heatMap(Self.result, family: .down).utf8))
        // Per row: one path per colour, a segment `M<bin> <row>.5h<length>` per run of equal colour.
        var segmentsPerRow: [Int] = []
        var brightest: [String] = []
        for element in elements {
            if element.name == "g" && element.attributes["class"] == "row" {
                segmentsPerRow.append(0)
            } else if element.name == "path" && element.path == "svg/g/g/path" {
                let data = element.attributes["d"] ?? ""
                segmentsPerRow[segmentsPerRow.count - 1] += data.count { $0 == "M" }
                if element.attributes["stroke"] == HeatMap.color(at: 1) { brightest.append(data) }
            }
        }
        #expect(segmentsPerRow.count == 3)
        #expect(segmentsPerRow.allSatisfy { $0 >= 3 && $0 <= 256 })
        #expect(brightest == (0..<3).map { "M\(1500 / 8) \($0).5h1" })
        #expect(elements.contains { $0.attributes["class"] == "caption" && $0.text.contains("bins of 8 channels") })
    }

    @Test("Hockey stick: the middle layer's tensors, descending, at most 800 points each")
    func hockeyStick() throws {
        #expect(DiagnosisFigures.hockeyStickLayer(Self.result) == 1)
        var withoutMiddleQ = Self.result
        withoutMiddleQ.tensors.removeAll { $0.name == "blk.1.attn_q.weight" }
        #expect(DiagnosisFigures.hockeyStickLayer(withoutMiddleQ) == 0)   // layers 0 and 2 have both families; equally near the middle
        let elements = try MarkupElements.parse(Data(DiagnosisFigures.hockeyStick(Self.result).utf8))
        #expect(elements.first { $0.name == "title" }?.text.contains("layer 1") == true)
        let series = elements.filter { $0.attributes["class"] == "series" }.map { $0.attributes["data-name"] ?? "" }
        #expect(series == ["attn_q", "ffn_down"])
        let lines = elements.filter { $0.name == "polyline" }.map { $0.attributes["points"]!.split(separator: " ") }
        #expect(lines.map(\.count) == [512, DiagnosisFigures.maximumCurvePoints])
        for line in lines {
            let ys = line.map { Double($0.split(separator: ",")[1])! }
            #expect(ys == ys.sorted())   // SVG y grows downwards: descending values
        }
    }

    @Test("Reduction bars: AWQ and ggml series per bit width; no scale search gives a note")
    func reductionBars() throws {
        let elements = try MarkupElements.parse(Data(DiagnosisFigures.reductionBars(Self.result).utf8))
        let bars = elements.filter { $0.attributes["class"] == "bar" }
        #expect(bars.count == 2 * 6)
        #expect(Set(bars.compactMap { $0.attributes["data-series"] })
            == ["AWQ scales, 4-bit", "AWQ scales, 2-bit", "ggml llama, 4-bit", "ggml llama, 2-bit", "ggml x2, 4-bit", "ggml x2, 2-bit"])
        let empty = try MarkupElements.parse(Data(DiagnosisFigures.reductionBars(Self.empty).utf8))
        #expect(!empty.contains { $0.attributes["class"] == "bar" })
        #expect(empty.contains { $0.attributes["class"] == "note" && $0.text.hasPrefix("no scale search") })
    }

    @Test("HTML page: parses, escapes, has the tables and embeds every figure")
    func page() throws {
        let elements = try MarkupElements.parse(Data(DiagnosisHTML.page(Self.result).utf8))
        #expect(elements.first?.name == "html")
        #expect(elements.contains { $0.name == "h1" && $0.text == "Diagnosis: tiny <model>.gguf" })
        #expect(elements.contains { $0.name == "li" && $0.text == "ffn_down has an outlier channel <1500>" })
        let figures = elements.filter { $0.name == "figure" }
        #expect(figures.compactMap { $0.attributes["data-file"] } == DiagnosisFigures.all(Self.result).map(\.fileName))
        #expect(elements.filter { $0.name == "svg" && $0.path.hasSuffix("figure/svg") }.count == figures.count)
        #expect(elements.filter { $0.name == "tr" }.count == (1 + 2) + (1 + 6))
        #expect(elements.contains { $0.name == "td" && $0.text == "q4_K: 0.07 / 0.075" })
        #expect(elements.contains { $0.name == "th" && $0.text == "ggml llama / x2 2-bit" })
        #expect(!elements.contains { $0.name == "script" })
    }

    @Test("An empty result renders every figure and the page without crashing")
    func emptyResult() throws {
        let figures = DiagnosisFigures.all(Self.empty)
        #expect(figures.map(\.fileName) == ["saliency-sorted.svg", "error-reduction.svg"])
        for figure in figures { _ = try MarkupElements.parse(Data(figure.svg.utf8)) }
        _ = try MarkupElements.parse(Data(DiagnosisFigures.heatMap(Self.empty, family: .down).utf8))
        let tensor = Self.result.tensors[0]
        var bare = tensor
        bare.channels = nil
        let scatter = try MarkupElements.parse(Data(DiagnosisFigures.powerErrorScatter(bare).utf8))
        #expect(Self.circles(scatter) == 0)
        let page = try MarkupElements.parse(Data(DiagnosisHTML.page(Self.empty).utf8))
        #expect(page.filter { $0.name == "figure" }.count == 2)
    }
}
