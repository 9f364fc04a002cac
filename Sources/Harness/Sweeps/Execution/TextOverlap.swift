import Foundation

/// How much of an evaluation text also occurs in the calibration text, by lines: a line
/// counts when, with surrounding whitespace trimmed and at least 40 characters long (shorter lines are mostly code boilerplate), it occurs
/// verbatim in a calibration text.
enum TextOverlap {
    static func sharedLineFraction(_ evaluation: Data, _ calibration: [Data]) -> Double {
        func lines(_ data: Data) -> [String] {
            String(decoding: data, as: UTF8.self).split(separator: "\n")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.count >= 40 }
        }
        let known = Set(calibration.flatMap(lines))
        let candidates = lines(evaluation)
        guard !candidates.isEmpty else { return 0 }
        return Double(candidates.filter(known.contains).count) / Double(candidates.count)
    }
}
