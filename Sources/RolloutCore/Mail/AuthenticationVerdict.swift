import Foundation

/// What the operator's own hosts' `Authentication-Results` say of a sender (SPEC §5 "How sure we are of the sender").
///
/// Only fields that count are read: written by a trusted authserv-id, and standing above the `Received` field with
/// which the receiving MTA took the message from outside (RFC 8601 §5). A field below that hop was in the message
/// before our MTA saw it, so anyone could have written it. Hops inside (a content filter, LMTP into Dovecot) add
/// `Received` fields above the boundary; they are walked over when their hosts are ours.
public struct AuthenticationVerdict: Sendable, Equatable {
    /// `.dkim` or `.dmarc` when a counting field shows an aligned pass for the sender and none shows a failure.
    public var strongBasis: AuthenticationBasis?
    /// A counting field shows DKIM, SPF or DMARC pass for the sender's domain, and no failure for it: the MTA
    /// vouched for the sender, so an answer to them is not backscatter.
    public var vouched: Bool
    /// A counting field shows DKIM or SPF pass at all, for any domain (shown in `explain`; not enough to answer).
    public var anyPass: Bool
    /// The results of counting fields that decided (`mx.rollout.example.org: dkim=pass (lip.example.org)`).
    public var evidence: [String]
    /// Fields that did not count, and why.
    public var ignored: [String]
    /// The hop where the message came in from outside, in words; nil when no field of ours shows it.
    public var boundary: String?
    /// A counting field says the From address itself failed: `dmarc=fail` for its domain, or a DKIM signature of its
    /// domain that failed. Such a From was forged (or broken on the way): never strong, by any means.
    public var fromFailed: Bool
    /// Why nothing may make this message strong — not a reply token either — when something in it could be a trick:
    /// an author field given twice (which copy did the signature or the person write?), a result in our own MTA's
    /// field that could not be read (it may hide a failure), more DKIM signatures than a mail carries. Nil otherwise.
    public var neverStrong: String?

    public init(
        strongBasis: AuthenticationBasis? = nil, vouched: Bool = false, anyPass: Bool = false, evidence: [String] = [],
        ignored: [String] = [], boundary: String? = nil, fromFailed: Bool = false
    ) {
        self.fromFailed = fromFailed
        self.strongBasis = strongBasis
        self.vouched = vouched
        self.anyPass = anyPass
        self.evidence = evidence
        self.ignored = ignored
        self.boundary = boundary
    }

    /// `strong` on an aligned DKIM or DMARC pass, else `weak`.
    public var level: AuthenticationLevel { strongBasis == nil ? .weak : .strong }

    /// The hosts whose word counts.
    public struct Trust: Sendable, Equatable {
        /// The authserv-ids whose fields are believed (the receiving MTA's), lower-cased.
        public var authservIDs: Set<String>
        /// The operator's hosts: trusted authserv-ids and `inbound.internal_hosts` (names or addresses), lower-cased.
        public var internalHosts: Set<String>
        /// How a DKIM signing domain must match the From's domain (`inbound.dkim_alignment`, strict by default).
        public var dkimAlignment: DKIMAlignment

        public init(authservIDs: [String], internalHosts: [String] = [], dkimAlignment: DKIMAlignment = .strict) {
            self.authservIDs = Set(authservIDs.map { $0.lowercased() })
            self.internalHosts = self.authservIDs.union(internalHosts.map { $0.lowercased() })
            self.dkimAlignment = dkimAlignment
        }
    }

    /// Walks the trace fields top down to the boundary and judges the sender by the fields that count.
    ///
    /// - Parameters:
    ///   - trace: `Received` and `Authentication-Results` fields, top (most recent) first.
    ///   - sender: the address the message is attributed to (its From).
    public init(trace: [TraceField], sender: EmailAddress?, trust: Trust) {
        self.init()
        let hop = BoundaryHop(trace: trace, internalHosts: trust.internalHosts)
        var counting: [AuthenticationResults] = []
        for (position, field) in trace.enumerated() where field.name == .authenticationResults {
            let place = "\(field.name.rawValue) #\(position + 1)"
            let parsed = AuthenticationResults(parsing: field.value)
            let writer = parsed.unreadable == nil ? parsed.authservID : "no authserv-id"
            if let hop, position > hop.position {
                ignored.append("\(place) (\(writer)): below the boundary, written before our MTA took the message")
            } else if let unreadable = parsed.unreadable {
                ignored.append("\(place): cannot be read (\(unreadable)), counts for nothing")
            } else if !trust.authservIDs.contains(parsed.authservID) {
                ignored.append("\(place) (\(writer)): not a trusted authserv-id")
            } else {
                counting.append(parsed)
                // A statement of ours that cannot be read whole counts neither way: say so, never guess. What it hid
                // may have been a failure for the From (a writer that left the sender's text unescaped): the message
                // is never strong.
                if !parsed.dropped.isEmpty, neverStrong == nil {
                    neverStrong = "\(place) (\(parsed.authservID)) holds a result that cannot be read, which may hide a failure"
                }
                ignored += parsed.dropped.map {
                    "\(place) (\(parsed.authservID)): unreadable result \"\(Self.excerpt($0.text))\" counts for nothing: \($0.reason)"
                }
            }
        }
        switch hop {
        case let hop? where hop.isOurs:
            boundary = "Received #\(hop.number): \(hop.field.byHost ?? "?") took it from \(hop.field.describeSource)"
                + Self.lmtpAdvice(hop.field)
        case let hop?:
            // A host we do not know handled the message after ours: what stands above was not written by us, and
            // what stands below cannot be placed. Nothing counts.
            let host = hop.field.byHost ?? "?"
            boundary = "Received #\(hop.number): received by \(host), which is not one of our hosts; nothing counts. "
                + "If \(host) is yours (behind Dovecot's LMTP it is the IMAP server, which writes the top Received line), "
                + "add \(host) to inbound.internal_hosts"
            ignored += counting.map { "\($0.authservID): stands above a hop by a host that is not ours" }
            counting = []
        case nil:
            // No hop of ours took the message from outside: no field can be told from a forged one.
            ignored += counting.map { "\($0.authservID): no Received field of ours marks where the message came in" }
            counting = []
        }
        judge(counting, sender: sender, alignment: trust.dkimAlignment)
    }

    /// At most 80 characters of `text`, for `explain`.
    private static func excerpt(_ text: String) -> String {
        text.count <= 80 ? text : String(text.prefix(77)) + "..."
    }

    /// Judges the counting fields. A failure for the sender's domain vetoes the passes of its method in every other
    /// field (a DMARC failure vetoes all): one pass never outweighs a fail. Statements that could not be read were
    /// dropped by the parser and count neither way.
    private mutating func judge(_ fields: [AuthenticationResults], sender: EmailAddress?, alignment: DKIMAlignment) {
        let senderDomain = sender?.domain.lowercased() ?? ""
        var passes: [String: [String]] = [:]
        var vouchers: [String: [String]] = [:]
        var failures: [String: [String]] = [:]
        var signatureOfFromFailed = false
        for field in fields {
            for result in field.results {
                let line = "\(field.authservID): \(result.method)=\(result.result)" + (result.domain.map { " (\($0))" } ?? "")
                // Alignment: DKIM on the signing domain (d=), never on the identity (i=) alone, strict or relaxed as
                // configured; SPF on the envelope domain; DMARC on the From domain exactly.
                let domain = result.method == "dkim" ? result.signingDomain : result.domain
                let aligned: Bool
                switch result.method {
                case "dmarc": aligned = domain == senderDomain && !senderDomain.isEmpty
                case "dkim": aligned = domain.map { alignment.aligns(senderDomain, signedBy: $0) } ?? false
                default: aligned = domain.map { Self.aligned(senderDomain, $0) } ?? false
                }
                // A failure concerns the sender more widely than a pass speaks for him: for his domain or one above
                // it, or for a domain that would align with his.
                let concerned = aligned || domain.map { Self.aligned(senderDomain, $0) } ?? false
                switch (result.method, result.result) {
                case ("dkim", "pass"), ("spf", "pass"):
                    anyPass = true
                    if aligned {
                        passes[result.method, default: []].append(line)
                    } else if concerned {
                        // A pass for a domain above the sender's vouches for him (an answer is no backscatter),
                        // but does not speak for him.
                        vouchers[result.method, default: []].append(line)
                    }
                case ("dmarc", "pass"):
                    if aligned { passes["dmarc", default: []].append(line) }
                case ("dkim", "fail"), ("dkim", "none"), ("dkim", "permerror"), ("dkim", "policy"), ("dkim", "neutral"),
                    ("spf", "fail"), ("spf", "softfail"), ("spf", "permerror"), ("dmarc", "fail"):
                    // A result naming no domain (`dkim=none`) is about the message, so about the sender too.
                    if concerned || domain == nil { failures[result.method, default: []].append(line) }
                    if concerned, result.method == "dkim", ["fail", "permerror"].contains(result.result) { signatureOfFromFailed = true }
                default:
                    continue
                }
            }
        }
        let dmarcFailed = failures["dmarc"] != nil
        fromFailed = dmarcFailed || signatureOfFromFailed
        func holds(_ method: String, in found: [String: [String]]) -> Bool {
            found[method] != nil && failures[method] == nil && !dmarcFailed
        }
        strongBasis = holds("dkim", in: passes) ? .dkim : holds("dmarc", in: passes) ? .dmarc : nil
        vouched = ["dkim", "dmarc", "spf"].contains { holds($0, in: passes) || holds($0, in: vouchers) }
        evidence = ["dkim", "dmarc", "spf"].flatMap { method in
            (failures[method] ?? []) + [passes, vouchers].flatMap { holds(method, in: $0) ? $0[method] ?? [] : [] }
        }
    }

    /// Whether `domain` is `signer` or below it, with a signer of at least two labels (`lip.example.org` is above
    /// `mail.lip.example.org`; `org` is above nobody): how SPF results and failures are related to the sender.
    static func aligned(_ domain: String, _ signer: String) -> Bool {
        guard !domain.isEmpty, signer.split(separator: ".").count >= 2 else { return false }
        let domain = domain.lowercased()
        let signer = signer.lowercased()
        return domain == signer || domain.hasSuffix("." + signer)
    }
}

extension ReceivedField {
    /// The sending host in words, for `explain`.
    var describeSource: String {
        let names = ([heloName].compactMap { $0 } + commentNames).joined(separator: " ")
        let addresses = self.addresses.map { "[\($0)]" }.joined(separator: " ")
        let text = [names, addresses].filter { !$0.isEmpty }.joined(separator: " ")
        return text.isEmpty ? "the host itself (no from clause)" : text
    }
}

extension AuthenticationVerdict {
    /// When our boundary hop is an LMTP delivery from an address we do not list, the MTA handing mail to the IMAP
    /// server over TCP: its address must be listed too, else the hop inside is taken for the one from outside.
    static func lmtpAdvice(_ field: ReceivedField) -> String {
        guard ["lmtp", "lmtps", "lmtpa", "lmtpsa"].contains(field.protocolName ?? ""), !field.addresses.isEmpty else { return "" }
        let addresses = field.addresses.joined(separator: ", ")
        return "; this is an LMTP delivery: if \(addresses) is your MTA, add \(addresses) to inbound.internal_hosts"
    }
}
