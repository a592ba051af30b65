/// How the gateway signs its own mail (`outbox.smime`, issue 23): an S/MIME certificate and its private key (PEM), so
/// that people can tell a real notification from a phishing copy.
public struct OutboxSigningSettings: Sendable, Equatable {
    /// The gateway's certificate (PEM), optionally followed by its issuing CAs, sent with every signature.
    public var certificate: String
    /// The certificate's private key (PEM, unencrypted: the service reads it unattended).
    public var keyFile: String

    public init(certificate: String, keyFile: String) {
        self.certificate = certificate
        self.keyFile = keyFile
    }
}
