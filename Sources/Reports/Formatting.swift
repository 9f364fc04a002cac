import Foundation

/// Number formats shared by the terminal reports.
public enum Formatting {
    /// `1234567` → `1,234,567`.
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (i, digit) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }

    /// Bytes in binary units: `253.4 MiB`.
    public static func bytes(_ value: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var scaled = Double(value)
        var unit = 0
        while scaled >= 1024 && unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        return unit == 0 ? "\(value) B" : String(format: "%.1f %@", scaled, units[unit])
    }

    /// A fixed-point number with `digits` decimals.
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}

extension Formatting {
    /// `digits` significant digits in `%g` style (`0.0123457`, `1.5e-07`, `250`); `inf`/`nan` as such.
    public static func significant(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)g", value)
    }

    /// Scientific notation with `digits` decimals: `3.1416e-03`.
    public static func scientific(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)e", value)
    }

    /// A fraction as a percentage with `digits` decimals: `0.9731` → `97.31%`.
    public static func percent(_ fraction: Double, _ digits: Int) -> String {
        fixed(fraction * 100, digits) + "%"
    }
}
