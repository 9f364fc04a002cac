import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The elements of an XML document (SVG, XHTML) in document order, read with Foundation's
/// XMLParser: parsing fails on anything that is not well-formed.
public final class MarkupElements: NSObject, XMLParserDelegate {
    /// One element: its name, attributes, path from the root and direct text.
    public struct Element: Sendable {
        public var name: String
        public var attributes: [String: String]
        /// Depth-first path of element names from the root, e.g. `svg/g/polyline`.
        public var path: String
        /// The element's direct text.
        public var text = ""
    }

    private(set) var elements: [Element] = []
    private var stack: [Int] = []

    /// Parses `data`; throws with the parser's message and line when it is not well-formed.
    public static func parse(_ data: Data) throws -> [Element] {
        let parser = XMLParser(data: data)
        let collector = MarkupElements()
        parser.delegate = collector
        guard parser.parse() else {
            throw ParseError(description: "not well-formed at line \(parser.lineNumber): \(parser.parserError.map { "\($0)" } ?? "?")")
        }
        return collector.elements
    }

    public static func parse(file path: String) throws -> [Element] { try parse(try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// The document is not well-formed.
    public struct ParseError: Error, CustomStringConvertible { public let description: String }

    public func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        let parent = stack.last.map { elements[$0].path + "/" } ?? ""
        elements.append(Element(name: name, attributes: attributes, path: parent + name))
        stack.append(elements.count - 1)
    }

    public func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    public func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let current = stack.last { elements[current].text += string }
    }
}
