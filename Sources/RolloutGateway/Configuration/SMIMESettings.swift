import RolloutCore

/// How S/MIME signatures are checked (`inbound.smime`, issue 23).
public struct SMIMESettings: Sendable, Equatable {
    /// The trust anchors: `hash.0` CA certificates, `hash.rN` CRLs, `.namespaces`/`.signing_policy` files and the
    /// `policy-igtf-<profile>.info` lists, as Debian's IGTF packages and fetch-crl lay them out.
    public var caDirectory: String
    /// The IGTF profiles whose CAs are believed (`classic`, `mics`, `slcs`; not `iota` by default).
    public var profiles: [String]
    /// Whether a certificate whose issuer has no CRL in the directory is refused (else only a listed revocation is).
    public var requireCRL: Bool
    /// Certificates mapped to people by their subject DN (one-line form), for certificates without the address:
    /// honoured only for a DN inside its CA's namespace (every verified certificate is).
    public var people: [String: EmailAddress]

    public static let defaultCADirectory = "/etc/grid-security/certificates"
    public static let defaultProfiles = ["classic", "mics", "slcs"]

    public init(
        caDirectory: String = defaultCADirectory, profiles: [String] = defaultProfiles, requireCRL: Bool = false,
        people: [String: EmailAddress] = [:]
    ) {
        self.caDirectory = caDirectory
        self.profiles = profiles
        self.requireCRL = requireCRL
        self.people = people
    }
}
