import Kernels

extension PartialDataPolicy: Codable {
    /// The policy's text (`keep`, `fill-one`, `ik`, `skip`, `prior=W`), as in a sweep config's
    /// `imatrix.partial_data`; a bad text is `dataCorrupted` with the parser's message.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try PartialDataPolicy(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message, underlyingError: error))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var single = encoder.singleValueContainer()
        try single.encode(description)
    }
}
