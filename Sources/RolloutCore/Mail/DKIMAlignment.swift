/// How a DKIM signing domain (`header.d`) must relate to the From's domain for a pass to speak for the sender
/// (`inbound.dkim_alignment`).
public enum DKIMAlignment: Sendable, Equatable {
    /// `header.d` is the From's domain (case-insensitive): `lip.example.org` signs for `mario@lip.example.org` only.
    case strict
    /// `header.d` and the From's domain have the same organizational domain (RFC 7489 §3.2, relaxed mode):
    /// `lip.example.org` signs for `mario@sub.lip.example.org`. A public suffix (`co.uk`) aligns with nothing.
    case relaxed(any OrganizationalDomains)

    /// Whether a signature by `signer` speaks for mail from `domain`.
    public func aligns(_ domain: String, signedBy signer: String) -> Bool {
        let domain = domain.lowercased()
        let signer = signer.lowercased()
        // A one-label signer (`org`) signs for nobody, whatever the mode.
        guard !domain.isEmpty, signer.split(separator: ".").count >= 2 else { return false }
        switch self {
        case .strict:
            return domain == signer
        case .relaxed(let organizationalDomains):
            guard let organization = organizationalDomains.organizationalDomain(of: domain) else { return false }
            return organizationalDomains.organizationalDomain(of: signer) == organization
        }
    }

    /// The configuration's word for the mode.
    public var name: String {
        switch self {
        case .strict: "strict"
        case .relaxed: "relaxed"
        }
    }

    /// Modes are equal by name: the organizational-domain source is how, not what.
    public static func == (lhs: DKIMAlignment, rhs: DKIMAlignment) -> Bool { lhs.name == rhs.name }
}
