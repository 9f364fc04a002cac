/// The Unicode classes the pre-tokenizers' split rules test, as bits: general category
/// letter (L*), number (N*), punctuation (P*), symbol (S*), mark (M*), and the White_Space
/// property. Everything else (controls, format, unassigned, …) has none of the category bits.
public struct ScalarClass: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let letter = ScalarClass(rawValue: 1 << 0)
    public static let number = ScalarClass(rawValue: 1 << 1)
    public static let punctuation = ScalarClass(rawValue: 1 << 2)
    public static let symbol = ScalarClass(rawValue: 1 << 3)
    public static let mark = ScalarClass(rawValue: 1 << 4)
    public static let whitespace = ScalarClass(rawValue: 1 << 5)

    /// The classes of code point `value` (from Swift's Unicode tables; the Basic Multilingual
    /// Plane is looked up in a table built once).
    @inline(__always)
    public static func of(_ value: UInt32) -> ScalarClass {
        value < 0x1_0000 ? ScalarClass(rawValue: basicPlane[Int(value)]) : computed(value)
    }

    private static let basicPlane: [UInt8] = (0..<UInt32(0x1_0000)).map { computed($0).rawValue }

    private static func computed(_ value: UInt32) -> ScalarClass {
        guard let scalar = Unicode.Scalar(value) else { return [] }   // surrogates
        let properties = scalar.properties
        var result: ScalarClass = properties.isWhitespace ? .whitespace : []
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            result.insert(.letter)
        case .decimalNumber, .letterNumber, .otherNumber:
            result.insert(.number)
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            result.insert(.punctuation)
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            result.insert(.symbol)
        case .nonspacingMark, .spacingMark, .enclosingMark:
            result.insert(.mark)
        default:
            break
        }
        return result
    }
}
