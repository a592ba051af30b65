/// How the strength of a sender was established, recorded with every command applied (SPEC §5 "How sure we are of
/// the sender").
public enum AuthenticationBasis: String, Sendable, Codable, Equatable, CaseIterable {
    /// A reply to the reply address issued to this very sender for this ticket.
    case token
    /// A DKIM pass aligned with the sender's domain, from a host of ours above the boundary.
    case dkim
    /// A DMARC pass for the sender's domain, from a host of ours above the boundary.
    case dmarc
    /// A valid S/MIME or OpenPGP signature from a key the configuration trusts for the address.
    case signature
    /// Nothing but the From address (weak).
    case fromOnly = "from-only"
    /// A local operator on the command line (`apply --strong`).
    case `operator`
    /// The web view (`serve`): the operator's trusted reverse proxy vouched for the person (strong always;
    /// `inbound.strong_by` governs mail only).
    case web
}
