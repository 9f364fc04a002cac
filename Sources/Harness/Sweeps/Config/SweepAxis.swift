/// A config value that is one value or an axis of values to sweep: `"context": 512` or
/// `"context": [512, 2048]`. For a value that is itself a list (`texts`, `override_kv`) an axis
/// is an array of lists (`[["a.txt"], ["b.txt", "c.txt"]]`); a plain list, even an empty one,
/// is one value.
public enum SweepAxis<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    case single(Value)
    case axis([Value])

    /// The values in order (one for a single value).
    public var values: [Value] {
        switch self {
        case .single(let value): [value]
        case .axis(let values): values
        }
    }

    /// Whether the config wrote an array of values.
    public var isAxis: Bool {
        switch self {
        case .single: false
        case .axis: true
        }
    }

    public init(from decoder: any Decoder) throws {
        if Value.self is any SweepAxisList.Type {
            let single = try decoder.singleValueContainer()
            if let values = try? single.decode([Value].self), !values.isEmpty {
                self = .axis(values)
            } else {
                self = .single(try single.decode(Value.self))
            }
        } else if var array = try? decoder.unkeyedContainer() {
            var values: [Value] = []
            while !array.isAtEnd { values.append(try array.decode(Value.self)) }
            self = .axis(values)
        } else {
            self = .single(try decoder.singleValueContainer().decode(Value.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var single = encoder.singleValueContainer()
        switch self {
        case .single(let value): try single.encode(value)
        case .axis(let values): try single.encode(values)
        }
    }
}

/// Values that are lists, whose axes are arrays of lists (see ``SweepAxis``).
public protocol SweepAxisList {}
extension Array: SweepAxisList {}
