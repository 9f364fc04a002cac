import Foundation

/// llama.cpp's complete tokenization of the reference text with gemma-3-270m (fixtures:
/// `reference/gemma3-270m/gpl3-apache2.tokens.json`, 9,883 ids, BOS first).
public enum ReferenceTokens {
    public static func gemmaReferenceText() throws -> [Int32] {
        let path = try TestEnvironment.fixture("reference/gemma3-270m/gpl3-apache2.tokens.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        guard let object = json as? [String: Any], let ids = object["ids"] as? [NSNumber] else {
            throw AssetError("\(path): no ids array")
        }
        return ids.map { $0.int32Value }
    }
}
