import Foundation

/// JSON keys of a formula object: `name`, `expression`, `parameters` and free parameter names;
/// integer keys name array elements in error paths.
struct FormulaKey: CodingKey, Hashable {
    var stringValue: String
    var intValue: Int?

    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        stringValue = "\(intValue)"
        self.intValue = intValue
    }

    static let name = FormulaKey("name")
    static let expression = FormulaKey("expression")
    static let parameters = FormulaKey("parameters")
}

extension FormulaSpec: Codable {
    /// A string is a ``text(_:)``; an object needs a string `name`; an `expr` object a string
    /// `expression` and optionally a `parameters` object (anything else there is ignored, as
    /// are other keys of an `expr` object). Errors are `DecodingError.dataCorrupted` at the
    /// offending key, with a one-line message.
    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
            self = .text(text)
            return
        }
        guard let object = try? decoder.container(keyedBy: FormulaKey.self) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected a formula string or object"))
        }
        guard let name = try? object.decode(String.self, forKey: .name) else {
            throw DecodingError.dataCorruptedError(forKey: .name, in: object, debugDescription: "JSON formula needs a string \"name\"")
        }
        var parameters: [String: FormulaParameter] = [:]
        if name == "expr" {
            guard let expression = try? object.decode(String.self, forKey: .expression) else {
                throw DecodingError.dataCorruptedError(forKey: .expression, in: object,
                                                       debugDescription: "an expr formula needs a string \"expression\"")
            }
            if let inner = try? object.nestedContainer(keyedBy: FormulaKey.self, forKey: .parameters) {
                for key in inner.allKeys { parameters[key.stringValue] = try inner.decode(FormulaParameter.self, forKey: key) }
            }
            self = .expression(expression, parameters: parameters)
        } else {
            for key in object.allKeys where key != .name {
                parameters[key.stringValue] = try object.decode(FormulaParameter.self, forKey: key)
            }
            self = .named(name, parameters: parameters)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .text(let text):
            var single = encoder.singleValueContainer()
            try single.encode(text)
        case .named(let name, let parameters):
            var object = encoder.container(keyedBy: FormulaKey.self)
            try object.encode(name, forKey: .name)
            for (key, value) in parameters { try object.encode(value, forKey: FormulaKey(key)) }
        case .expression(let expression, let parameters):
            var object = encoder.container(keyedBy: FormulaKey.self)
            try object.encode("expr", forKey: .name)
            try object.encode(expression, forKey: .expression)
            var inner = object.nestedContainer(keyedBy: FormulaKey.self, forKey: .parameters)
            for (key, value) in parameters { try inner.encode(value, forKey: FormulaKey(key)) }
        }
    }
}

extension FormulaParameter: Codable {
    /// A number, or an array of numbers; anything else is `"KEY" must be a number`.
    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let value = try? single.decode(Double.self) {
            self = .value(value)
            return
        }
        if var array = try? decoder.unkeyedContainer() {
            var values: [Double] = []
            while !array.isAtEnd {
                guard let value = try? array.decode(Double.self) else {
                    throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [FormulaKey(intValue: values.count)!],
                                                            debugDescription: "expected a number"))
                }
                values.append(value)
            }
            self = .grid(values)
            return
        }
        let key = decoder.codingPath.last?.stringValue ?? "value"
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\"\(key)\" must be a number"))
    }

    public func encode(to encoder: any Encoder) throws {
        var single = encoder.singleValueContainer()
        switch self {
        case .value(let value): try single.encode(value)
        case .grid(let values): try single.encode(values)
        }
    }
}
