import Foundation
import GGUF
import IMatrix
import Kernels
import Model

/// The checks and the fingerprint of a config's `imatrix` axes: every value is checked before
/// anything runs, with its JSON path (`imatrix.context[1]`).
enum SweepImatrixAxes {
    typealias Fail = (String, String, (any Error)?) -> SweepConfigError

    /// `imatrix.NAME` for a single value, `imatrix.NAME[i]` for the i-th value of an axis.
    static func path<Value>(_ name: String, _ axis: SweepAxis<Value>, _ index: Int) -> String {
        axis.isAxis ? "imatrix.\(name)[\(index)]" : "imatrix.\(name)"
    }

    /// Empty axes, contexts below 4, chunk counts below 1, empty text lists, and axes beside a file.
    static func checkValues(_ config: SweepConfig, fail: Fail) throws(SweepConfigError) {
        guard let settings = config.imatrix else { return }
        func empty<Value>(_ name: String, _ axis: SweepAxis<Value>?) throws(SweepConfigError) {
            if let axis, axis.isAxis, axis.values.isEmpty { throw fail("imatrix.\(name)", "the axis is empty: give at least one value", nil) }
        }
        try empty("texts", settings.texts)
        try empty("context", settings.context)
        try empty("chunks", settings.chunks)
        try empty("partial_data", settings.partialData)
        try empty("override_kv", settings.overrideKV)
        let axes = [settings.texts?.values.count, settings.context?.values.count, settings.chunks?.values.count,
                    settings.partialData?.values.count, settings.overrideKV?.values.count]
        if settings.file != nil, axes.contains(where: { ($0 ?? 0) > 1 }) {
            throw fail("imatrix.file", "an imatrix file cannot be swept: give the file, or the settings to compute it with", nil)
        }
        if let axis = settings.context {
            for (index, value) in axis.values.enumerated() where value < 4 {
                throw fail(path("context", axis, index), "must be at least 4, got \(value)", nil)
            }
        }
        if let axis = settings.chunks {
            for (index, value) in axis.values.enumerated() where value < 1 {
                throw fail(path("chunks", axis, index), "must be at least 1, got \(value)", nil)
            }
        }
        if let axis = settings.texts {
            for (index, texts) in axis.values.enumerated() where texts.isEmpty {
                throw fail(path("texts", axis, index), "give at least one text file", nil)
            }
        }
    }

    /// Contexts above the model's training context, and overrides the model cannot take.
    static func checkAgainstModel(_ config: SweepConfig, modelFile: GGUFFile, fail: Fail) throws(SweepConfigError) {
        guard let settings = config.imatrix else { return }
        if let axis = settings.context, let architecture = try? modelFile.metadata.stringIfPresent("general.architecture"),
           let limit = try? modelFile.metadata.intIfPresent("\(architecture).context_length") {
            for (index, value) in axis.values.enumerated() where value > limit {
                throw fail(path("context", axis, index), "\(value) is above the model's context length \(limit) (\(architecture).context_length)", nil)
            }
        }
        if let axis = settings.overrideKV {
            for (set, texts) in axis.values.enumerated() {
                var overrides: [MetadataOverride] = []
                for (index, text) in texts.enumerated() {
                    let field = axis.isAxis ? "imatrix.override_kv[\(set)][\(index)]" : "imatrix.override_kv[\(index)]"
                    do {
                        let parsed = try MetadataOverride.parseList(text)
                        _ = try modelFile.overriding(parsed)
                        overrides += parsed
                    } catch { throw fail(field, error.description, error) }
                    // In an axis an unknown key is a typo that would make two settings the same imatrix.
                    if axis.isAxis, let unknown = overrides.first(where: { !modelFile.metadata.contains($0.key) }) {
                        throw fail(field, "\(unknown.key) is not a key of \(config.model) (the override would change nothing)", nil)
                    }
                }
                // The model must still be one the forward pass can run (e.g. no more experts used than exist).
                let field = axis.isAxis ? "imatrix.override_kv[\(set)]" : "imatrix.override_kv"
                do {
                    _ = try TransformerModel(file: modelFile, options: ModelOptions(threads: 1, weightCacheBytes: 0, metadataOverrides: overrides))
                } catch { throw fail(field, error.description, error) }
            }
        }
    }

    /// The `imatrix.texts` files with their JSON paths.
    static func texts(_ config: SweepConfig) -> [(field: String, path: String)] {
        guard let axis = config.imatrix?.texts else { return [] }
        return axis.values.enumerated().flatMap { set, texts in
            texts.enumerated().map { index, text in
                (axis.isAxis ? "imatrix.texts[\(set)][\(index)]" : "imatrix.texts[\(index)]", text)
            }
        }
    }

    /// Adds what determines the imatrices to the sweep's fingerprint. A config without axes and
    /// without `imatrix.texts` adds exactly what it added before axes existed, so its earlier
    /// results stay valid.
    static func fingerprint(_ config: SweepConfig, settings: [SweepImatrixSetting], texts: [(field: String, bytes: Data)],
                            into hasher: inout Fingerprint) {
        let imatrix = config.imatrix
        if settings.count == 1 {
            let context = imatrix?.context?.values.first.map(String.init) ?? "-1"
            let chunks = imatrix?.chunks?.values.first.map(String.init) ?? "-1"
            hasher.add("\(context)/\(chunks)/\(imatrix?.partialData?.values.first?.description ?? "")")
            if let overrides = imatrix?.overrideKV?.values.first { hasher.add("override_kv " + overrides.joined(separator: ",")) }
        } else {
            hasher.add("imatrix axes")
            for setting in settings { hasher.add(setting.key) }
        }
        for text in texts { hasher.add(text.field); hasher.add(text.bytes) }
    }
}
