/// How a tensor's weights are distributed, and how much a per-group offset matters to them.
///
/// Moments are over every element (all experts of an expert stack). Row variability compares
/// rows (output features): the spread of row means relative to the overall standard deviation,
/// and the coefficient of variation of row standard deviations. Groups are 16 consecutive
/// elements of a row, as in ggml's Q2_K sub-blocks.
public struct WeightStructure: Codable, Sendable, Equatable {
    /// Quantiles of the weights: minimum, 1st, 5th, 25th, 50th, 75th, 95th, 99th percentile, maximum.
    public struct Percentiles: Codable, Sendable, Equatable {
        public var min, p1, p5, p25, p50, p75, p95, p99, max: Double
        public init(min: Double, p1: Double, p5: Double, p25: Double, p50: Double, p75: Double, p95: Double,
                    p99: Double, max: Double) {
            self.min = min; self.p1 = p1; self.p5 = p5; self.p25 = p25; self.p50 = p50
            self.p75 = p75; self.p95 = p95; self.p99 = p99; self.max = max
        }
    }

    public var mean: Double
    public var standardDeviation: Double
    public var skewness: Double
    public var excessKurtosis: Double
    public var percentiles: Percentiles
    /// Standard deviation of the row means divided by the overall standard deviation.
    public var rowMeanSpread: Double
    /// Coefficient of variation of the rows' standard deviations.
    public var rowDeviationCV: Double
    /// Mean over 16-element groups of |group mean| / (group max − group min).
    public var groupOffsetImportance: Double
    /// RMSE of 2-bit round-to-nearest per 16-element group on a grid symmetric around zero
    /// (no offset), relative to the weights' RMS.
    public var twoBitErrorWithoutOffset: Double
    /// The same with a per-group offset (min + d·q, q ∈ 0…3).
    public var twoBitErrorWithOffset: Double

    public init(mean: Double, standardDeviation: Double, skewness: Double, excessKurtosis: Double,
                percentiles: Percentiles, rowMeanSpread: Double, rowDeviationCV: Double, groupOffsetImportance: Double,
                twoBitErrorWithoutOffset: Double, twoBitErrorWithOffset: Double) {
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.skewness = skewness
        self.excessKurtosis = excessKurtosis
        self.percentiles = percentiles
        self.rowMeanSpread = rowMeanSpread
        self.rowDeviationCV = rowDeviationCV
        self.groupOffsetImportance = groupOffsetImportance
        self.twoBitErrorWithoutOffset = twoBitErrorWithoutOffset
        self.twoBitErrorWithOffset = twoBitErrorWithOffset
    }
}

/// How a weight product's input is distributed over its columns (input features).
///
/// Column power is the mean of x² per column; the outlier columns are those whose RMS is at
/// least six times the median column RMS. Kurtosis is pooled over all values. Outliers are
/// values with |x| > 6σ and near-zero values those with |x| < 0.01σ, σ being the tensor's input
/// RMS up to and including the batch the value came in.
public struct ActivationStructure: Codable, Sendable, Equatable {
    /// Input rows seen (for an expert stack: routed rows of all experts).
    public var rows: Double
    /// Coefficient of variation of the per-column RMS.
    public var rmsCV: Double
    /// Largest over smallest non-zero per-column RMS (1 when all are zero).
    public var rmsMaxOverMin: Double
    /// Columns whose input was zero in every row.
    public var zeroColumns: Int
    /// Share of the total power (Σx²) in the strongest 1% and 10% of columns.
    public var top1PercentPowerShare: Double
    public var top10PercentPowerShare: Double
    /// Excess kurtosis of all input values.
    public var excessKurtosis: Double
    /// Fraction of values with |x| > 6σ.
    public var outlierFraction: Double
    /// Fraction of values below zero, and with |x| < 0.01σ.
    public var negativeFraction: Double
    public var nearZeroFraction: Double
    /// Columns whose RMS is at least 6× the median column RMS, strongest first.
    public var outlierColumns: [Int]

    public init(rows: Double, rmsCV: Double, rmsMaxOverMin: Double, top1PercentPowerShare: Double,
                top10PercentPowerShare: Double, excessKurtosis: Double, outlierFraction: Double,
                negativeFraction: Double, nearZeroFraction: Double, outlierColumns: [Int], zeroColumns: Int = 0) {
        self.zeroColumns = zeroColumns
        self.rows = rows
        self.rmsCV = rmsCV
        self.rmsMaxOverMin = rmsMaxOverMin
        self.top1PercentPowerShare = top1PercentPowerShare
        self.top10PercentPowerShare = top10PercentPowerShare
        self.excessKurtosis = excessKurtosis
        self.outlierFraction = outlierFraction
        self.negativeFraction = negativeFraction
        self.nearZeroFraction = nearZeroFraction
        self.outlierColumns = outlierColumns
    }
}

/// Where weight quantization error meets activation power, at one bit width.
///
/// Per column j the expected output error contribution is e_j = rms(x_j)² · Σ_rows (W − Ŵ)²_j
/// for `bits`-bit round-to-nearest with a per-group offset (``GroupRounding``); the
/// correlations are between rms(x_j) and the column's weight RMSE.
public struct ErrorDecomposition: Codable, Sendable, Equatable {
    public var bits: Int
    public var groupSize: Int
    /// Pearson and Spearman correlation of activation RMS and weight RMSE across columns.
    public var correlation: Double
    public var rankCorrelation: Double
    /// Share of Σe_j from the top 1, 5, 10 and 25% of columns by e_j.
    public var topShares: [Double]
    /// Share of Σe_j in each 256-column super-block, in column order.
    public var superBlockShares: [Double]
    /// Relative expected output error sqrt(Σe_j / Σ_j rms(x_j)²·Σ_rows W²_j).
    public var relativeError: Double

    /// The column fractions of ``topShares``.
    public static let topFractions = [0.01, 0.05, 0.10, 0.25]

    public init(bits: Int, groupSize: Int, correlation: Double, rankCorrelation: Double, topShares: [Double],
                superBlockShares: [Double], relativeError: Double) {
        self.bits = bits
        self.groupSize = groupSize
        self.correlation = correlation
        self.rankCorrelation = rankCorrelation
        self.topShares = topShares
        self.superBlockShares = superBlockShares
        self.relativeError = relativeError
    }
}

/// Per-input-channel saliency |W|·mean|x| (AWQ's measure): mean over rows of |W_ij| times the
/// column's mean |x|.
public struct ChannelSaliency: Codable, Sendable, Equatable {
    /// Share of Σ saliency in the top 1% and 10% of channels.
    public var top1PercentShare: Double
    public var top10PercentShare: Double
    /// The most salient channels, strongest first (at most 16).
    public var topChannels: [Int]

    public init(top1PercentShare: Double, top10PercentShare: Double, topChannels: [Int]) {
        self.top1PercentShare = top1PercentShare
        self.top10PercentShare = top10PercentShare
        self.topChannels = topChannels
    }
}

/// AWQ-style scale search at one bit width on sampled input rows, with ggml's quantizers on
/// the same rows for comparison.
///
/// Scales are s_j = mean|x_j|^α (normalised by sqrt(max·min)); the weights W·diag(s) are
/// rounded with ``GroupRounding`` and divided back. Errors are ‖(W − Ŵ)Xᵀ‖/‖WXᵀ‖.
public struct ScaleSearch: Codable, Sendable, Equatable {
    public var bits: Int
    /// The α grid and the relative output error at each α.
    public var alphas: [Double]
    public var errors: [Double]
    /// The α with the least error; gains under 2% (rounding noise) go to the smaller α.
    public var bestAlpha: Double
    /// Error at α = 0: plain round-to-nearest.
    public var plainError: Double
    public var bestError: Double
    /// plainError / bestError.
    public var reduction: Double
    /// The ggml type used for comparison (after llama-quantize's fallback for the row length),
    /// and its relative output error with the `llama` importance formula and with ``formula``.
    public var ggmlType: String?
    public var ggmlLlamaError: Double?
    public var formula: String?
    public var ggmlFormulaError: Double?

    public init(bits: Int, alphas: [Double], errors: [Double], bestAlpha: Double, plainError: Double, bestError: Double,
                reduction: Double, ggmlType: String? = nil, ggmlLlamaError: Double? = nil, formula: String? = nil,
                ggmlFormulaError: Double? = nil) {
        self.bits = bits
        self.alphas = alphas
        self.errors = errors
        self.bestAlpha = bestAlpha
        self.plainError = plainError
        self.bestError = bestError
        self.reduction = reduction
        self.ggmlType = ggmlType
        self.ggmlLlamaError = ggmlLlamaError
        self.formula = formula
        self.ggmlFormulaError = ggmlFormulaError
    }
}
