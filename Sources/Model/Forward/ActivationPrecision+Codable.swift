extension ActivationPrecision: Codable {
    /// `ggml` or `f32`, as in a sweep config's `activations`.
    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let precision = ActivationPrecision(rawValue: name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(name)' is neither ggml nor f32"))
        }
        self = precision
    }

    public func encode(to encoder: any Encoder) throws {
        var single = encoder.singleValueContainer()
        try single.encode(rawValue)
    }
}
