extension ConfigurationFile {
    /// `outbox.smime`: the certificate and key the gateway signs its own mail with (issue 23).
    struct OutboxSMIME: Decodable {
        var certificate: String
        var keyFile: String
        enum CodingKeys: String, CodingKey, CaseIterable {
            case certificate, keyFile = "key_file"
        }
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(CodingKeys.self)
            certificate = try c.decode(String.self, forKey: .certificate)
            keyFile = try c.decode(String.self, forKey: .keyFile)
        }
    }
}

extension GatewayConfiguration {
    /// `outbox.smime`, paths relative to the configuration file; none → the gateway's mail goes unsigned. Whether the
    /// files can be read and the key matches the certificate is checked where they are loaded (the composition root,
    /// `config check`).
    static func outboxSigning(_ raw: ConfigurationFile.OutboxSMIME?, path: (String) -> String) -> OutboxSigningSettings? {
        raw.map { OutboxSigningSettings(certificate: path($0.certificate), keyFile: path($0.keyFile)) }
    }
}
