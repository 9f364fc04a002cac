import GGUF
import Kernels

/// ggml-exact quantization of float32 rows (`ggml_quantize_chunk`), row-parallel.
///
/// - Without a weighting and without importance, a type uses ggml's reference path.
/// - With importance and no weighting, it uses ggml's importance path (``GGMLImportanceWeighting``),
///   byte-identical with `ggml_quantize_chunk(type, …, imatrix)`.
/// - With a weighting, the importance path's search runs with that weighting's weights
///   (importance optional). Q8_0, TQ1_0, TQ2_0 and the F16/BF16 conversions ignore weights, as ggml does.
public enum RowQuantizer {
    /// The types this module quantizes.
    public static let supportedTypes: [GGMLType] = [
        .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .iq4_NL, .iq4_XS, .iq2_XXS, .iq2_XS, .iq2_S, .iq3_XXS, .iq3_S, .iq1_S, .iq1_M, .tq1_0, .tq2_0, .f16, .bf16,
    ]

    /// Types that ggml quantizes only with importance (`ggml_quantize_requires_imatrix`); here a
    /// weighting without importance is accepted too.
    public static let typesNeedingImportance: [GGMLType] = [.iq2_XXS, .iq2_XS, .iq1_S]

    /// Whether `type` can be quantized.
    public static func supports(_ type: GGMLType) -> Bool { supportedTypes.contains(type) }

    /// Checks a request without running it: a supported type, a row length that is a positive
    /// multiple of the block size, and an importance vector of finite, non-negative values.
    public static func validate(
        _ type: GGMLType, rowLength: Int, importance: UnsafeBufferPointer<Float>?, file: String? = nil
    ) throws(QuantizationError) {
        guard supports(type) else {
            let names = supportedTypes.map(\.name).joined(separator: ", ")
            throw QuantizationError(file: file, field: "type", message: "cannot quantize to \(type.name) (supported: \(names))")
        }
        guard rowLength > 0, rowLength % type.blockSize == 0 else {
            throw QuantizationError(file: file, field: "n_per_row",
                                    message: "\(rowLength) is not a positive multiple of \(type.name)'s block size \(type.blockSize)")
        }
        guard let importance else { return }
        guard importance.count == rowLength else {
            throw QuantizationError(file: file, field: "importance",
                                    message: "\(importance.count) values, expected one per column (n_per_row = \(rowLength))")
        }
        for (column, value) in importance.enumerated() where !(value.isFinite && value >= 0) {
            throw QuantizationError(file: file, field: "importance[\(column)]",
                                    message: "\(value) is not a finite non-negative importance")
        }
    }

    /// The byte size of `rowCount` rows of `rowLength` elements.
    public static func byteCount(_ type: GGMLType, rowCount: Int, rowLength: Int) -> Int {
        rowCount * type.rowByteCount(elements: rowLength)
    }

    /// Quantizes `rowCount` rows of `rowLength` floats at `rows` into `output`
    /// (``byteCount(_:rowCount:rowLength:)`` bytes). `importance` holds one value per column.
    public static func quantize(
        _ type: GGMLType, rows: UnsafePointer<Float>, rowCount: Int, rowLength: Int,
        importance: UnsafeBufferPointer<Float>?, weighting: (any ElementWeighting)? = nil,
        into output: UnsafeMutableRawPointer, threads: Int = Parallel.processorCount
    ) throws(QuantizationError) {
        try validate(type, rowLength: rowLength, importance: importance)
        if typesNeedingImportance.contains(type) && importance == nil && weighting == nil {
            throw QuantizationError(field: "importance", message: "\(type.name) requires an importance matrix (as in ggml)")
        }
        let mode: RowMode
        switch (weighting, importance) {
        case (nil, nil): mode = .reference
        case (nil, let importance?): mode = .weighted(GGMLImportanceWeighting(), importance: importance.baseAddress)
        case (let weighting?, let importance): mode = .weighted(weighting, importance: importance?.baseAddress)
        }
        let rowBytes = type.rowByteCount(elements: rowLength)
        let bytes = output.assumingMemoryBound(to: UInt8.self)
        let grain = max(1, 16_384 / rowLength)
        Parallel.forEachRange(count: rowCount, threads: threads, grain: grain) { range in
            let scratch = RowScratch()
            for r in range {
                let row = RowContext(x: rows + r &* rowLength, count: rowLength, mode: mode, scratch: scratch)
                quantizeRow(type, row, into: bytes + r &* rowBytes)
            }
        }
    }

    private static func quantizeRow(_ type: GGMLType, _ row: RowContext, into out: UnsafeMutablePointer<UInt8>) {
        switch type {
        case .q4_0: LegacyQuantizers.symmetric(row, bits: 4, into: out)
        case .q5_0: LegacyQuantizers.symmetric(row, bits: 5, into: out)
        case .q4_1: LegacyQuantizers.affine(row, bits: 4, into: out)
        case .q5_1: LegacyQuantizers.affine(row, bits: 5, into: out)
        case .q8_0: LegacyQuantizers.q8_0(row, into: out)
        case .q2_K: TwoThreeBitQuantizers.q2_K(row, into: out)
        case .q3_K: TwoThreeBitQuantizers.q3_K(row, into: out)
        case .q4_K: FourFiveBitQuantizers.quantize(row, bits: 4, into: out)
        case .q5_K: FourFiveBitQuantizers.quantize(row, bits: 5, into: out)
        case .q6_K: SixBitQuantizer.quantize(row, into: out)
        case .iq4_NL: NonLinearQuantizers.iq4_NL(row, into: out)
        case .iq4_XS: NonLinearQuantizers.iq4_XS(row, into: out)
        case .iq2_XXS: LatticeQuantizers.iq2_XXS(row, into: out)
        case .iq2_XS: LatticeQuantizers.iq2_XS(row, into: out)
        case .iq2_S: LatticeQuantizers.iq2_S(row, into: out)
        case .iq3_S: IQ3SQuantizer.quantize(row, into: out)
        case .iq3_XXS: IQ3XXSQuantizer.quantize(row, into: out)
        case .tq1_0: TernaryQuantizers.tq1_0(row, into: out)
        case .tq2_0: TernaryQuantizers.tq2_0(row, into: out)
        case .f16: HalfPrecision.encode(row.x, count: row.count, into: out)      // ggml_fp32_to_fp16_row
        case .bf16: BFloat16.encode(row.x, count: row.count, into: out)          // ggml_fp32_to_bf16_row_ref
        case .iq1_S: IQ1SQuantizer.quantize(row, into: out)
        case .iq1_M: IQ1MQuantizer.quantize(row, into: out)
        case .f32, .q8_1, .q8_K, .i8, .i16, .i32, .i64, .f64, .mxfp4, .nvfp4, .q1_0:
            preconditionFailure("validated type \(type.name) has no quantizer")
        }
    }
}
