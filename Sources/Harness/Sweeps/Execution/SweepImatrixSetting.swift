import Foundation
import IMatrix

/// One imatrix a sweep computes: a combination of the values of the config's `imatrix` axes
/// (texts, context, chunks, partial data, overrides), or the one setting of a config without
/// axes. The grid runs once on each.
public struct SweepImatrixSetting: Sendable, Equatable {
    /// The text files computed from (joined).
    public var texts: [String]
    public var context: Int
    public var chunks: Int?
    public var partialData: PartialDataPolicy?
    /// `--override-kv` values (`KEY=TYPE:VALUE` lists).
    public var overrideKV: [String]
    /// What names it in variants and reports: the values of the axes that have more than one
    /// (`context=2048`, `context=512,chunks=16`); empty when there is one setting.
    public var label: String

    /// The settings of `config`: the product of its axes, texts outermost, in config order.
    static func expand(_ config: SweepConfig) -> [SweepImatrixSetting] {
        let settings = config.imatrix
        let calibrationContext = config.calibration.context ?? 512
        let texts = settings?.texts?.values ?? [config.calibration.texts]
        let contexts = settings?.context?.values ?? [calibrationContext]
        let chunks: [Int?] = settings?.chunks?.values ?? [config.calibration.chunks]
        let policies: [PartialDataPolicy?] = settings?.partialData?.values ?? [nil]
        let overrides = settings?.overrideKV?.values ?? [[]]
        func part(_ name: String, _ count: Int, _ value: String) -> String? { count > 1 ? "\(name)=\(value)" : nil }
        var result: [SweepImatrixSetting] = []
        for text in texts {
            for context in contexts {
                for chunk in chunks {
                    for policy in policies {
                        for override in overrides {
                            let label = [
                                part("texts", texts.count, text.map { ($0 as NSString).lastPathComponent }.joined(separator: "+")),
                                part("context", contexts.count, String(context)),
                                part("chunks", chunks.count, chunk.map(String.init) ?? "all"),
                                part("partial_data", policies.count, policy?.description ?? "keep"),
                                part("override_kv", overrides.count, override.isEmpty ? "none" : override.joined(separator: ";")),
                            ].compactMap { $0 }.joined(separator: ",")
                            result.append(SweepImatrixSetting(texts: text, context: context, chunks: chunk, partialData: policy,
                                                              overrideKV: override, label: label))
                        }
                    }
                }
            }
        }
        return result
    }

    /// The type label of the grid points computed with this setting: `Q4_K`, or `Q4_K@context=2048`.
    func typeLabel(_ type: String) -> String { label.isEmpty ? type : "\(type)@\(label)" }

    /// What determines this setting's imatrix, for the fingerprint and its cache file.
    var key: String {
        "\(texts.joined(separator: "\u{1F}"))/\(context)/\(chunks ?? -1)/\(partialData?.description ?? "")/\(overrideKV.joined(separator: ","))"
    }
}
