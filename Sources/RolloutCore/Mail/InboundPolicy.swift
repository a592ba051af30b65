/// What the gateway does with an incoming message, decided from facts alone (SPEC §5): the order in which a message
/// is set aside, whether it may be answered, and how sure we are of its sender. The ingest service gathers the facts
/// (parsing, the store) and carries out the verdict.
public enum InboundPolicy {
    /// What is known of a message when it is judged.
    public struct Facts: Sendable, Equatable {
        public var kind: MessageClassifier.Kind
        public var duplicate: Bool
        /// The size, when it is over the limit.
        public var oversize: (bytes: Int, limit: Int)?
        /// The message went to a reply address of ours that does not verify (and to none that does).
        public var invalidToken: Bool
        public var sender: EmailAddress?
        /// The sender is a team member, manager or release manager.
        public var senderKnown: Bool
        /// Our MTA saw the From domain's DMARC or signature fail.
        public var fromFailed: Bool
        /// A genuine list copy: its From is a configured EA list, which demonstrably handled it
        /// (``MessageClassifier/Classification/throughList``). Lists break the poster's signature, so a failure for the
        /// person's own domain is excused for it — and for nothing else (a `List-Id` alone excuses nothing).
        public var genuineListCopy: Bool
        /// From names a configured EA list, but the message did not come through it.
        public var listFromForged: Bool
        /// Our MTA vouched for the sender's domain (DKIM, SPF or DMARC pass).
        public var vouched: Bool
        /// Whether answering is allowed by the kind of message and its sender (no lists, no auto-replies).
        public var answerable: Bool
        /// Answers sent to the sender in the last hour.
        public var answersLastHour: Int
        public var ticket: TicketID?
        /// Whether the named ticket exists; nil when the store was not asked.
        public var ticketExists: Bool?
        /// The gateway's plain address and subject tag, for the reasons given.
        public var gatewayAddress: EmailAddress
        public var tag: String

        public init(
            kind: MessageClassifier.Kind, duplicate: Bool = false, oversize: (bytes: Int, limit: Int)? = nil,
            invalidToken: Bool = false, sender: EmailAddress?, senderKnown: Bool, fromFailed: Bool = false,
            genuineListCopy: Bool = false, listFromForged: Bool = false, vouched: Bool = false, answerable: Bool, answersLastHour: Int = 0, ticket: TicketID?,
            ticketExists: Bool?, gatewayAddress: EmailAddress, tag: String
        ) {
            self.kind = kind
            self.duplicate = duplicate
            self.oversize = oversize
            self.invalidToken = invalidToken
            self.sender = sender
            self.senderKnown = senderKnown
            self.fromFailed = fromFailed
            self.genuineListCopy = genuineListCopy
            self.listFromForged = listFromForged
            self.vouched = vouched
            self.answerable = answerable
            self.answersLastHour = answersLastHour
            self.ticket = ticket
            self.ticketExists = ticketExists
            self.gatewayAddress = gatewayAddress
            self.tag = tag
        }

        public static func == (lhs: Facts, rhs: Facts) -> Bool {
            lhs.kind == rhs.kind && lhs.duplicate == rhs.duplicate && lhs.oversize?.bytes == rhs.oversize?.bytes
                && lhs.oversize?.limit == rhs.oversize?.limit && lhs.invalidToken == rhs.invalidToken
                && lhs.sender == rhs.sender && lhs.senderKnown == rhs.senderKnown && lhs.fromFailed == rhs.fromFailed
                && lhs.genuineListCopy == rhs.genuineListCopy && lhs.listFromForged == rhs.listFromForged && lhs.vouched == rhs.vouched && lhs.answerable == rhs.answerable
                && lhs.answersLastHour == rhs.answersLastHour && lhs.ticket == rhs.ticket
                && lhs.ticketExists == rhs.ticketExists && lhs.gatewayAddress == rhs.gatewayAddress && lhs.tag == rhs.tag
        }
    }

    /// What becomes of a message.
    public enum Disposition: String, Sendable, Codable, Equatable {
        case applied
        case duplicate
        case loop
        case autoReply = "auto-reply"
        case bounce
        /// Kept but not applied: names no ticket, a stranger, a reply address that does not verify, too large, …
        case setAside = "set-aside"
    }

    public struct Verdict: Sendable, Equatable {
        public var disposition: Disposition
        /// Why it is set aside, in our words (also the answer's reason).
        public var reason: String?
        /// Whether an answer may go to the sender.
        public var mayAnswer: Bool
        /// Set aside only because it names no ticket: a known sender, nothing else wrong (a manager's `show` alone
        /// is answered with their open rollouts).
        public var namesNoTicket = false
    }

    /// The set-aside ladder: the first rule that holds decides.
    public static func judge(_ facts: Facts) -> Verdict {
        func setAside(_ reason: String, answer: Bool) -> Verdict { Verdict(disposition: .setAside, reason: reason, mayAnswer: answer) }
        switch facts.kind {
        case .loop: return Verdict(disposition: .loop, reason: nil, mayAnswer: false)
        case .autoReply: return Verdict(disposition: .autoReply, reason: nil, mayAnswer: false)
        case .bounce: return Verdict(disposition: .bounce, reason: nil, mayAnswer: false)
        case .reply: break
        }
        let answerable = facts.answerable
        if facts.duplicate { return Verdict(disposition: .duplicate, reason: nil, mayAnswer: false) }
        if let (bytes, limit) = facts.oversize {
            return setAside(
                "the message is \(bytes / 1024) KiB; the gateway takes messages up to \(limit / 1024) KiB — send the report as a smaller file",
                answer: answerable)
        }
        if facts.invalidToken {
            // Known senders hear why (a rotated key, a mangled address); anyone else is set aside silently.
            return setAside(
                "the reply address you wrote to is not valid any more (or was changed on the way); reply to the latest notification of the ticket, or write to \(facts.gatewayAddress) with [\(facts.tag) #N] in the subject",
                answer: answerable && facts.senderKnown)
        }
        if facts.listFromForged {
            // A list's address in From, but the list never handled the message: whoever wrote it chose the person
            // named in Reply-To.
            return setAside(
                "the message says it comes from an EA list, but our mail server saw no pass for the list's domain and it did not come from the list's server",
                answer: false)
        }
        guard let sender = facts.sender else {
            return setAside(
                "the sender cannot be told: From is missing or names several mailboxes, or a list copy names two different people",
                answer: false)
        }
        if facts.fromFailed, !facts.genuineListCopy {
            // Our MTA saw the From domain's DMARC or signature fail: a forgery; an answer would go to its victim.
            return setAside("our mail server found the From address forged (DMARC or DKIM failed for \(sender.domain))", answer: false)
        }
        if !facts.senderKnown {
            // A stranger is never relayed and never applied; answered once an hour at most, and only when a host of
            // ours vouched for the domain (else the answer would be backscatter).
            return setAside(
                "\(sender) is not a member of an EA team, a staged-rollout manager or a release manager known to this gateway, so it may not write to a ticket; ask a staged-rollout manager to add you",
                answer: answerable && facts.vouched && facts.answersLastHour == 0)
        }
        guard let ticket = facts.ticket else {
            var verdict = setAside("the message names no ticket: reply to a notification and keep [\(facts.tag) #N] in the subject", answer: answerable)
            verdict.namesNoTicket = true
            return verdict
        }
        if facts.ticketExists == false { return setAside("there is no ticket #\(ticket.rawValue)", answer: answerable) }
        return Verdict(disposition: .applied, reason: nil, mayAnswer: answerable)
    }

    /// How sure we are of the sender: a token issued to this very sender for a ticket that concerns them, else what
    /// the headers showed; only the bases the operator accepts (`inbound.strong_by`) make strong.
    ///
    /// A signature that was not accepted makes the message weak whatever else vouches for it (never "half"); a
    /// valid signature of the sender comes first, as the strongest proof of the person.
    public static func strength(
        headers: AuthenticationVerdict, tokenIssuedToSender: Bool, senderConcerned: Bool,
        accepted: Set<AuthenticationBasis>, signature: SignatureCheck? = nil
    ) -> (level: AuthenticationLevel, basis: AuthenticationBasis) {
        if headers.neverStrong != nil { return (.weak, .fromOnly) }
        switch signature {
        case .refused: return (.weak, .fromOnly)
        case .signedBySender: if accepted.contains(.signature) { return (.strong, .signature) }
        case nil: break
        }
        if tokenIssuedToSender, senderConcerned, !headers.fromFailed, accepted.contains(.token) { return (.strong, .token) }
        if let basis = headers.strongBasis, accepted.contains(basis) { return (.strong, basis) }
        return (.weak, .fromOnly)
    }
}
