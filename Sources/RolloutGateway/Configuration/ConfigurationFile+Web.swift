extension ConfigurationFile {
    /// `web:` — the web view of `serve`.
    struct Web: Decodable {
        var listen: String?
        var trustedProxies: [String]?
        var userHeader: String?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case listen, trustedProxies = "trusted_proxies", userHeader = "user_header"
        }
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(CodingKeys.self)
            listen = try c.decodeIfPresent(String.self, forKey: .listen)
            trustedProxies = try c.decodeIfPresent([String].self, forKey: .trustedProxies)
            userHeader = try c.decodeIfPresent(String.self, forKey: .userHeader)
        }
    }
}
