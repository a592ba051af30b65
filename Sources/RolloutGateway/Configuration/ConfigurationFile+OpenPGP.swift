extension ConfigurationFile {
    /// `inbound.openpgp`: the keyring OpenPGP signatures are checked against (issue 23).
    struct OpenPGP: Decodable {
        var keyring: String
        enum CodingKeys: String, CodingKey, CaseIterable {
            case keyring
        }
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(CodingKeys.self)
            keyring = try c.decode(String.self, forKey: .keyring)
        }
    }
}

extension GatewayConfiguration {
    /// Validates `inbound.openpgp`: a keyring path (relative to the configuration file); none → OpenPGP signatures
    /// are not checked, and such mail counts as unsigned.
    static func openpgp(_ raw: ConfigurationFile.OpenPGP?, path: (String) -> String) throws -> OpenPGPSettings? {
        guard let raw else { return nil }
        guard !raw.keyring.isEmpty else {
            throw ConfigurationProblem(["inbound", "openpgp", "keyring"], "the keyring path is empty; expected the file of the operator's public keys")
        }
        return OpenPGPSettings(keyring: path(raw.keyring))
    }
}
