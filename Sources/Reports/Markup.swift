import Foundation

/// Text and number formatting for the SVG and HTML the reports write.
public enum Markup {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities, safe in element content
    /// and in quoted attribute values.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// A coordinate with at most two decimals (`12.5`, `300`).
    public static func coordinate(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return String(format: "%.2f", rounded)
    }

    /// A compact axis label: `%g` (`0.001`, `250`, `1e+06`).
    public static func number(_ value: Double) -> String {
        value == 0 ? "0" : String(format: "%g", value)
    }

    /// The opening of a chart: the `<svg>` element, its `<title>`, a white background and the
    /// heading centred at the top.
    public static func chartOpening(width: Double, height: Double, title: String) -> String {
        let c = coordinate
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(c(width))" height="\(c(height))" viewBox="0 0 \(c(width)) \(c(height))" font-family="sans-serif" font-size="12">
            <title>\(escape(title))</title>
            <rect x="0" y="0" width="\(c(width))" height="\(c(height))" fill="white"/>
            <text x="\(c(width / 2))" y="24" text-anchor="middle" font-size="15" font-weight="bold">\(escape(title))</text>

            """
    }
}
