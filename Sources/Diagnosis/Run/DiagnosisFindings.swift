import Reports
import Weighting

/// The module-family summaries and the plain-language findings of a diagnosis.
enum DiagnosisFindings {
    static func families(_ tensors: [TensorDiagnosis], bits: [Int]) -> [FamilySummary] {
        Dictionary(grouping: tensors, by: \.family).keys.sorted().map { family in
            let members = tensors.filter { $0.family == family }
            let searches = bits.compactMap { width -> FamilySummary.AtBits? in
                let found = members.compactMap { $0.scaleSearch.first { $0.bits == width } }
                guard !found.isEmpty else { return nil }
                let fair = members.compactMap { tensor in
                    tensor.scaleSearch.first { $0.bits == width }.flatMap { isFairComparison($0, tensor: tensor) ? $0 : nil }
                }
                return FamilySummary.AtBits(
                    bits: width, meanBestAlpha: mean(found.map(\.bestAlpha)), meanReduction: mean(found.map(\.reduction)),
                    meanPlainError: mean(found.map(\.plainError)), meanBestError: mean(found.map(\.bestError)),
                    meanGGMLLlamaError: optionalMean(fair.compactMap(\.ggmlLlamaError)),
                    meanGGMLFormulaError: optionalMean(fair.compactMap(\.ggmlFormulaError)),
                    ggmlLlamaReduction: optionalMean(fair.compactMap { search in
                        search.ggmlLlamaError.flatMap { $0 > 0 ? search.plainError / $0 : nil }
                    }),
                    ggmlFormulaReduction: optionalMean(fair.compactMap { search in
                        search.ggmlFormulaError.flatMap { $0 > 0 ? search.plainError / $0 : nil }
                    }))
            }
            return FamilySummary(
                family: family, tensors: members.count,
                meanTop1PercentPowerShare: mean(members.map(\.activations.top1PercentPowerShare)),
                meanSaliencyTop1PercentShare: mean(members.map(\.saliency.top1PercentShare)),
                meanOutlierColumns: mean(members.map { Double($0.activations.outlierColumns.count) }),
                meanRelativeError: bits.map { width in mean(members.compactMap { $0.decomposition.first { $0.bits == width }?.relativeError }) },
                scaleSearch: searches)
        }
    }

    static func statements(tensors: [TensorDiagnosis], families: [FamilySummary], bits: [Int], unseen: [String]) -> [String] {
        var out: [String] = []
        if let down = downComparison(tensors) { out.append(down) }
        if let glu = gluInput(tensors) { out.append(glu) }
        if let salient = families.filter({ $0.family != .output }).max(by: { $0.meanSaliencyTop1PercentShare < $1.meanSaliencyTop1PercentShare }) {
            let ranking = families.sorted { $0.meanSaliencyTop1PercentShare > $1.meanSaliencyTop1PercentShare }
                .map { "\($0.family.rawValue) \(Formatting.percent($0.meanSaliencyTop1PercentShare, 1))" }
            out.append("Saliency |W|·mean|x| is most concentrated in \(salient.family.rawValue): the top 1% of channels hold \(Formatting.percent(salient.meanSaliencyTop1PercentShare, 1)) of it on average (by family: \(ranking.joined(separator: ", "))).")
        }
        for width in bits { if let line = scaleSearchFinding(families, tensors: tensors, bits: width) { out.append(line) } }
        if let offset = offsetFinding(tensors) { out.append(offset) }
        if !unseen.isEmpty {
            out.append("No input rows reached \(unseen.count) matching tensor(s), which are not diagnosed: \(unseen.prefix(8).joined(separator: ", "))\(unseen.count > 8 ? ", …" : "").")
        }
        return out
    }

    /// ffn_down's top-1% activation-power share against ffn_gate/ffn_up, layer by layer.
    static func downComparison(_ tensors: [TensorDiagnosis]) -> String? {
        let down = tensors.filter { $0.family == .down }
        let gateUp = tensors.filter { $0.family == .gate || $0.family == .up }
        guard !down.isEmpty, !gateUp.isEmpty else { return nil }
        let downShare = mean(down.map(\.activations.top1PercentPowerShare))
        let otherShare = mean(gateUp.map(\.activations.top1PercentPowerShare))
        var layers = 0, higher = 0
        for tensor in down {
            let others = gateUp.filter { $0.layer == tensor.layer }.map(\.activations.top1PercentPowerShare)
            guard let strongest = others.max() else { continue }
            layers += 1
            if tensor.activations.top1PercentPowerShare > strongest { higher += 1 }
        }
        let numbers = "\(Formatting.percent(downShare, 1)) vs \(Formatting.percent(otherShare, 1)) on average, higher in \(higher) of \(layers) layers"
        return downShare > otherShare
            ? "ffn_down has a higher top-1% activation-power share than ffn_gate/ffn_up: \(numbers)."
            : "ffn_down does NOT have a higher top-1% activation-power share than ffn_gate/ffn_up: \(numbers)."
    }

    /// The GLU product feeding ffn_down: negative and near-zero fractions against the other inputs.
    static func gluInput(_ tensors: [TensorDiagnosis]) -> String? {
        let down = tensors.filter { $0.family == .down }
        let others = tensors.filter { $0.family != .down && $0.family != .experts }
        guard !down.isEmpty else { return nil }
        var line = "The ffn_down input (the GLU product) is \(Formatting.percent(mean(down.map(\.activations.nearZeroFraction)), 1)) near zero (|x| < 0.01σ) and \(Formatting.percent(mean(down.map(\.activations.negativeFraction)), 1)) negative, with excess kurtosis \(Formatting.significant(mean(down.map(\.activations.excessKurtosis)), 3))"
        if !others.isEmpty {
            line += "; the other inputs: \(Formatting.percent(mean(others.map(\.activations.nearZeroFraction)), 1)) near zero, \(Formatting.percent(mean(others.map(\.activations.negativeFraction)), 1)) negative, kurtosis \(Formatting.significant(mean(others.map(\.activations.excessKurtosis)), 3))"
        }
        return line + "."
    }

    /// Where AWQ-style scaling helps most at `bits`, and whether ggml's importance-weighted
    /// rounding already does better.
    static func scaleSearchFinding(_ families: [FamilySummary], tensors: [TensorDiagnosis], bits: Int) -> String? {
        let at = families.compactMap { family in family.scaleSearch.first { $0.bits == bits }.map { (family.family, $0) } }
        guard let top = at.max(by: { $0.1.meanReduction < $1.1.meanReduction }) else { return nil }
        var line = "At \(bits) bits, AWQ scaling cuts the output error of round-to-nearest most in \(top.0.rawValue) (×\(Formatting.fixed(top.1.meanReduction, 2)) on average, mean α \(Formatting.fixed(top.1.meanBestAlpha, 2)))"
        // Only types of the same nominal bits compare fairly, and not the file's own type, which
        // reproduces the file's (already quantized) weights exactly.
        var fallback = 0, stored = 0
        var compared: [ScaleSearch] = []
        for tensor in tensors {
            guard let search = tensor.scaleSearch.first(where: { $0.bits == bits }), search.ggmlLlamaError != nil,
                  let type = search.ggmlType else { continue }
            if isFairComparison(search, tensor: tensor) {
                compared.append(search)
            } else if nominalBits(type) != bits {
                fallback += 1
            } else {
                stored += 1
            }
        }
        if !compared.isEmpty {
            let types = Set(compared.compactMap(\.ggmlType)).sorted().joined(separator: "/")
            let better = compared.filter { $0.ggmlLlamaError! < $0.bestError }.count
            line += "; ggml's \(types) with the llama formula has a lower output error than the best AWQ scaling in \(better) of \(compared.count) tensors"
            let withFormula = compared.filter { $0.ggmlFormulaError != nil }
            if let formula = withFormula.first?.formula, formula != "llama" {
                let improved = withFormula.filter { $0.ggmlFormulaError! < $0.ggmlLlamaError! }.count
                line += ", and \(formula) beats llama in \(improved) of \(withFormula.count)"
            }
        }
        if fallback > 0 {
            line += " (\(fallback) tensor(s) left out of the ggml comparison: their row length takes llama-quantize's fallback to a wider type)"
        }
        if stored > 0 {
            line += " (\(stored) left out: the file already stores them in that type, so re-quantizing reproduces them exactly)"
        }
        return line + "."
    }

    /// How much a per-group offset matters to 2-bit rounding, ffn_down against the rest.
    static func offsetFinding(_ tensors: [TensorDiagnosis]) -> String? {
        guard !tensors.isEmpty else { return nil }
        func ratio(_ group: [TensorDiagnosis]) -> Double {
            mean(group.map { $0.weights.twoBitErrorWithOffset > 0 ? $0.weights.twoBitErrorWithoutOffset / $0.weights.twoBitErrorWithOffset : 1 })
        }
        let down = tensors.filter { $0.family == .down }, others = tensors.filter { $0.family != .down }
        var line = "A per-group offset (16 elements, 2 bits) changes the weight RMSE by ×\(Formatting.fixed(ratio(tensors), 2)) on average (without ÷ with), mean |mean|/range \(Formatting.fixed(mean(tensors.map(\.weights.groupOffsetImportance)), 3))"
        if !down.isEmpty, !others.isEmpty {
            line += "; ffn_down ×\(Formatting.fixed(ratio(down), 2)), the others ×\(Formatting.fixed(ratio(others), 2))"
        }
        return line + "."
    }

    /// Whether the search's ggml comparison is at its own bits (no fallback to a wider type) and
    /// not at the type the file already stores (which reproduces the weights exactly).
    static func isFairComparison(_ search: ScaleSearch, tensor: TensorDiagnosis) -> Bool {
        guard search.ggmlLlamaError != nil, let type = search.ggmlType else { return false }
        return nominalBits(type) == search.bits && type != tensor.storedType
    }

    /// The bits in a ggml type's name: Q4_K → 4, IQ4_NL → 4, Q8_0 → 8 (nil when there are none).
    static func nominalBits(_ typeName: String) -> Int? {
        Int(String(typeName.drop { !$0.isNumber }.prefix { $0.isNumber }))
    }

    static func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
    static func optionalMean(_ values: [Double]) -> Double? { values.isEmpty ? nil : mean(values) }
}
