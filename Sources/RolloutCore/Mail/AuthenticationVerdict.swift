import Foundation

/// What trusted `Authentication-Results` fields say of a sender (SPEC §5 "How sure we are of the sender").
public struct AuthenticationVerdict: Sendable, Equatable {
    /// A trusted host saw a DKIM signature pass for the sender's domain (or a parent domain of it).
    public var dkimPassForSender: Bool
    /// A trusted host saw DKIM, SPF or DMARC pass for the sender's domain (or a parent domain of it): the MTA vouched
    /// for the sender, so a reply to them is not backscatter.
    public var vouched: Bool
    /// A trusted host saw DKIM or SPF pass at all, for any domain (shown in `explain`; not enough to reply).
    public var anyPass: Bool
    /// The passing results of trusted hosts, for `explain` (`dkim=pass header.d=infn.it`).
    public var evidence: [String]

    public init(dkimPassForSender: Bool = false, vouched: Bool = false, anyPass: Bool = false, evidence: [String] = []) {
        self.dkimPassForSender = dkimPassForSender
        self.vouched = vouched
        self.anyPass = anyPass
        self.evidence = evidence
    }

    /// `strong` on a DKIM pass for the sender's domain, else `weak`.
    public var level: AuthenticationLevel { dkimPassForSender ? .strong : .weak }

    /// Reads the `Authentication-Results` fields whose authserv-id is trusted (RFC 8601 §5: others may be forged).
    ///
    /// - Parameters:
    ///   - fields: the field values, as ``InboundHeaders/authenticationResults`` holds them.
    ///   - sender: the address the message is attributed to.
    ///   - trustedAuthservIDs: the hosts whose results count (case-insensitive).
    public init(fields: [String], sender: EmailAddress?, trustedAuthservIDs: [String]) {
        let trusted = Set(trustedAuthservIDs.map { $0.lowercased() })
        let senderDomain = sender?.domain ?? ""
        self.init()
        for field in fields {
            let parsed = AuthenticationResults(parsing: field)
            guard !parsed.authservID.isEmpty, trusted.contains(parsed.authservID) else { continue }
            for result in parsed.results where result.passed {
                let aligned = result.domain.map { Self.domain(senderDomain, isWithin: $0) } ?? false
                switch result.method {
                case "dkim":
                    anyPass = true
                    if aligned { dkimPassForSender = true }
                case "spf":
                    anyPass = true
                case "dmarc":
                    break
                default:
                    continue
                }
                if aligned { vouched = true }
                evidence.append(
                    "\(parsed.authservID): \(result.method)=pass" + (result.domain.map { " (\($0))" } ?? ""))
            }
        }
    }

    /// Whether `domain` is `parent` or below it. A signer for `infn.it` controls `cnaf.infn.it` too.
    static func domain(_ domain: String, isWithin parent: String) -> Bool {
        guard !domain.isEmpty, !parent.isEmpty else { return false }
        let domain = domain.lowercased()
        let parent = parent.lowercased()
        return domain == parent || domain.hasSuffix("." + parent)
    }
}
