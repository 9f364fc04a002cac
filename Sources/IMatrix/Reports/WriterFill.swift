/// Recognises experts that llama.cpp's legacy writer filled in: it stores a matrix (expert)
/// with no tokens as importance 1, i.e. every value equal to `1 · ncall` (docs/imatrix-spec.md §1.2). Loaded
/// into a collection (or converted to a flat GGUF entry), such an expert's sums all equal the
/// entry's single count (`ncall · C`).
///
/// A used expert looks the same only if the float32 mean x² of every one of its columns is
/// exactly 1.0 — possible in principle (e.g. one token whose every input is ±1), not seen in
/// real activations.
public enum WriterFill {
    /// Experts (of `experts` equal slices of `values`) whose values all equal `fill` exactly.
    /// Empty when `values` does not split into `experts` slices.
    public static func filledExperts(values: [Float], experts: Int, fill: Float) -> [Int] {
        guard experts > 0, values.count % experts == 0, !values.isEmpty else { return [] }
        let columns = values.count / experts
        return (0..<experts).filter { expert in
            values[(expert * columns)..<((expert + 1) * columns)].allSatisfy { $0 == fill }
        }
    }
}
