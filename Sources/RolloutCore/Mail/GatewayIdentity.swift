import Foundation

/// What the gateway knows of itself when reading mail: how to recognise its own messages coming back, and whose
/// `Authentication-Results` to believe.
public struct GatewayIdentity: Sendable, Equatable {
    /// The gateway's own addresses (`staged-rollout@rollout.example.org`, its reply-address base).
    public var addresses: [EmailAddress]
    /// The domain of the Message-IDs it issues (`ticket-<N>@<domain>`, `rg.<N>.…@<domain>`).
    public var messageIDDomain: String
    /// The `X-Loop` values it writes; its addresses count too.
    public var loopValues: [String]
    /// The authserv-ids (RFC 8601) of the hosts whose `Authentication-Results` are trusted: the receiving MTA's.
    public var trustedAuthservIDs: [String]
    /// The mailing lists it knows (the EA lists), so that a list's address is never taken for a person's.
    public var listAddresses: [EmailAddress]
    /// The operator's hosts besides the trusted authserv-ids (`inbound.internal_hosts`): names or addresses of the
    /// hops inside (content filters, the IMAP server's LMTP), walked over when looking for where mail came in.
    public var internalHosts: [String]
    /// The addresses the EA lists' server connects from (`inbound.list_hosts`): a message our MTA took from one of
    /// them came through a list.
    public var listHosts: [String]
    /// How a DKIM signing domain must match the From's domain (`inbound.dkim_alignment`).
    public var dkimAlignment: DKIMAlignment

    public init(
        addresses: [EmailAddress], messageIDDomain: String, loopValues: [String] = [], trustedAuthservIDs: [String] = [],
        listAddresses: [EmailAddress] = [], internalHosts: [String] = [], listHosts: [String] = [],
        dkimAlignment: DKIMAlignment = .strict
    ) {
        self.listHosts = listHosts
        self.internalHosts = internalHosts
        self.dkimAlignment = dkimAlignment
        self.addresses = addresses
        self.messageIDDomain = messageIDDomain
        self.loopValues = loopValues
        self.trustedAuthservIDs = trustedAuthservIDs
        self.listAddresses = listAddresses
    }
}
