/// Who a valid signature names: the certificate's subject and issuer (distinguished names, OpenSSL's one-line
/// form `/C=NL/O=…/CN=…`), or an OpenPGP key's user ID and fingerprint.
public struct SignerIdentity: Sendable, Equatable, Codable {
    public var subject: String
    public var issuer: String

    public init(subject: String, issuer: String) {
        self.subject = subject
        self.issuer = issuer
    }
}

/// What the signature of a message proved about its sender (SPEC §5 "How sure we are of the sender").
public enum SignatureCheck: Sendable, Equatable {
    /// A valid signature of the sender: the signer's certificate names the From address (or the configuration
    /// maps its subject to it).
    case signedBySender(SignerIdentity)
    /// The message carries a signature that was not accepted, and why in our words: the message is weak,
    /// whatever else vouches for it.
    case refused(String)

    /// Why the signature was not accepted, when it was not.
    public var refusal: String? {
        if case .refused(let why) = self { return why }
        return nil
    }

    /// The signer, when the signature made the sender strong.
    public var signer: SignerIdentity? {
        if case .signedBySender(let signer) = self { return signer }
        return nil
    }
}
