import Foundation

/// Decides who sent a message, what kind of message it is, how sure we are of the sender and whether it may be
/// answered (SPEC §5 "Who sent it", "Not replied to, never looping", "How sure we are of the sender").
///
/// It only reads: the caller records the message, applies its commands and decides on the reply.
public struct MessageClassifier: Sendable, Equatable {
    /// What a message is.
    public enum Kind: String, Sendable, Equatable {
        /// A person's message (also when it came through an EA list).
        case reply
        /// An automatic answer: vacation notice, Auto-Submitted, bulk mail, a list's notice, a read receipt.
        case autoReply
        /// A delivery-status report or another non-delivery notice.
        case bounce
        /// One of the gateway's own messages coming back.
        case loop
    }

    /// Where the sender's address was taken from.
    public enum SenderSource: String, Sendable, Equatable {
        case from
        /// The one `Reply-To` mailbox that is not the list, after a list rewrote From (Mailman puts the person there).
        case replyTo
    }

    /// Whether an answer (a transcript or an error reply) may be sent.
    public enum ReplyPolicy: Sendable, Equatable {
        /// Never: the reason says why (`auto-reply`, `no sender address`).
        case never(reason: String)
        /// Only if the sender is known (a team member, manager or release manager): the MTA did not vouch for them.
        case ifSenderKnown
        /// Yes: a trusted host vouched for the sender.
        case allowed

        /// Whether a reply may be sent, given whether the registry knows the sender.
        public func allowsReply(senderIsKnown: Bool) -> Bool {
            switch self {
            case .never: false
            case .ifSenderKnown: senderIsKnown
            case .allowed: true
            }
        }
    }

    /// The classifier's findings about one message.
    public struct Classification: Sendable, Equatable {
        public var kind: Kind
        /// Why the message is of its kind, in words, for logs and `explain` (empty for a plain reply).
        public var reasons: [String]
        /// The person the message is attributed to; `nil` when none could be found.
        public var sender: Mailbox?
        public var senderSource: SenderSource?
        /// Whether it says it came through a mailing list (`List-Id`): anyone can write that.
        public var viaList: Bool
        /// Whether it demonstrably came through one of the configured EA lists: it names one (From or `List-Id`) and
        /// our MTA saw a pass for that list's domain, or took it from one of `inbound.list_hosts`.
        public var throughList: Bool
        /// Whether From is a configured EA list (DMARC mitigation rewrote it), so that the sender came from elsewhere.
        public var listRewroteFrom: Bool
        /// From is a configured EA list, but the message did not come through it: its From is forged.
        public var listFromForged: Bool {
            listRewroteFrom && !throughList
        }
        public var authentication: AuthenticationVerdict
        public var replyPolicy: ReplyPolicy

        /// `strong` on a DKIM pass for the sender's domain from a trusted host, else `weak`. A signed reply address
        /// can make it strong too; the caller knows that.
        public var authenticationLevel: AuthenticationLevel { authentication.level }
    }

    public var identity: GatewayIdentity

    public init(identity: GatewayIdentity) { self.identity = identity }

    /// Classifies a message.
    public func classify(_ message: InboundMessage) -> Classification {
        let headers = message.headers
        let (sender, source, rewritten) = resolveSender(headers)
        var reasons: [String] = []
        let kind: Kind
        if let loop = loopReasons(headers, sender: sender?.address), !loop.isEmpty {
            (kind, reasons) = (.loop, loop)
        } else if let bounce = bounceReasons(message), !bounce.isEmpty {
            (kind, reasons) = (.bounce, bounce)
        } else if let automatic = autoReplyReasons(message), !automatic.isEmpty {
            (kind, reasons) = (.autoReply, automatic)
        } else {
            kind = .reply
        }
        if rewritten && sender == nil { reasons.append("a list rewrote From and named no person") }
        let verdictTrust = AuthenticationVerdict.Trust(
            authservIDs: identity.trustedAuthservIDs, internalHosts: identity.internalHosts, dkimAlignment: identity.dkimAlignment)
        var verdict = AuthenticationVerdict(trace: headers.traceFields, sender: sender?.address, trust: verdictTrust)
        let throughList = cameThroughList(headers, trust: verdictTrust)
        let repeated = headers.repeatedFields.filter { Self.authorFields.contains($0) }
        if !repeated.isEmpty {
            // Which of two From (or Date, Message-ID, …) fields a signature covered, or the person wrote, cannot be
            // told: a replayer puts a fresh Date and Message-ID above a signed mail's own. Never strong, token or not.
            verdict.strongBasis = nil
            verdict.neverStrong = verdict.neverStrong ?? "the message repeats \(repeated.joined(separator: ", "))"
            verdict.ignored.append("the message repeats \(repeated.joined(separator: ", ")): never strong")
        }
        if headers.dkimSignatures.count > ReplayIdentity.signaturesRead {
            verdict.strongBasis = nil
            verdict.neverStrong = verdict.neverStrong ?? "the message carries \(headers.dkimSignatures.count) DKIM signatures"
        }
        if verdict.strongBasis != nil, headers.dkimSignatures.contains(where: { DKIMSignatureField.hasTag("l", in: $0) }) {
            // A signature of the body's first l= bytes only passes with anything added below them: a command appended
            // to a genuine signed mail. Neither DKIM nor a DMARC pass that may rest on it makes the sender strong.
            verdict.strongBasis = nil
            verdict.ignored.append("a DKIM signature covers only the first bytes of the body (l=): never strong by DKIM or DMARC")
        }
        if verdict.neverStrong != nil { verdict.strongBasis = nil }
        if rewritten, verdict.strongBasis != nil {
            // The person was named by a header the list copied (X-Original-From, Reply-To), which no signature
            // aligned with From covers: a list copy is never strong by DKIM.
            verdict.strongBasis = nil
            verdict.ignored.append("a list rewrote From: a pass for the list's domain says nothing of the person")
        }

        let policy: ReplyPolicy
        if kind != .reply {
            policy = .never(reason: "\(Self.words(kind)): \(reasons.first ?? "")")
        } else if let sender {
            if isList(sender.address, headers: headers) {
                policy = .never(reason: "the sender is a mailing list")
            } else {
                policy = verdict.vouched ? .allowed : .ifSenderKnown
            }
        } else {
            policy = .never(reason: "no sender address")
        }
        if rewritten, !throughList {
            reasons.append("From is the list \(headers.from.first?.address.value ?? ""), but our mail server saw no pass for the list's domain and it came from none of inbound.list_hosts")
        }
        return Classification(
            kind: kind, reasons: reasons, sender: sender, senderSource: source, viaList: headers.listID != nil,
            throughList: throughList, listRewroteFrom: rewritten, authentication: verdict, replyPolicy: policy)
    }

    /// Fields whose repetition makes the author uncertain.
    static let authorFields: Set<String> = ["from", "sender", "reply-to", "message-id", "subject", "date", "to", "cc"]

    private static func words(_ kind: Kind) -> String {
        switch kind {
        case .reply: "reply"
        case .autoReply: "automatic message"
        case .bounce: "delivery failure report"
        case .loop: "the gateway's own message"
        }
    }

    // MARK: - The sender

    /// The sender (SPEC §5): From, except for a copy that one of the configured EA lists rewrote for DMARC (its From
    /// is the list's address): then the one `Reply-To` mailbox that is not the list, and only when every other hint
    /// agrees — `X-Original-From`, a `Cc` mailbox named like the "X via list" display name, the envelope sender the
    /// list recorded (`X-MailFrom`); `nil` when the list hid the person, or a hint names someone else. A poster can
    /// write a Reply-To of several people, or a Cc in the "via" form: such a copy names nobody. A display name
    /// "X via Y", a `List-Id` or a `Reply-To` on any other From mean nothing: anyone can write them.
    public func resolveSender(_ headers: InboundHeaders) -> (Mailbox?, SenderSource?, rewritten: Bool) {
        // No From, or several authors (RFC 5322 allows a list with a Sender field): nobody to attribute it to.
        guard headers.from.count == 1, let from = headers.from.first else { return (nil, nil, false) }
        guard identity.listAddresses.contains(from.address) else { return (from, .from, false) }

        let people = headers.replyTo.filter { !isList($0.address, headers: headers) && $0.address != from.address }
        guard Set(people.map(\.address)).count == 1, let person = people.first else { return (nil, nil, true) }
        var hints: [EmailAddress] = headers.originalFrom.filter { !isList($0.address, headers: headers) }.map(\.address)
        if let viaName = Self.viaName(from.name) {
            hints += headers.cc.filter { $0.name?.trimmingWhitespace().lowercased() == viaName.lowercased() }.map(\.address)
        }
        hints += headers.listEnvelopeSenders
        guard hints.allSatisfy({ $0 == person.address }) else { return (nil, nil, true) }
        return (person, .replyTo, true)
    }

    /// Whether the message demonstrably came through one of the configured EA lists: From or `List-Id` names it,
    /// and a counting `Authentication-Results` field shows a DKIM pass of exactly the list's domain or a DMARC pass for
    /// it, or our MTA took it from one of `inbound.list_hosts`.
    func cameThroughList(_ headers: InboundHeaders, trust: AuthenticationVerdict.Trust) -> Bool {
        var named = headers.from.filter { identity.listAddresses.contains($0.address) }.map(\.address)
        if let listID = headers.listID.flatMap(Self.listIdentifier) {
            named += identity.listAddresses.filter { $0.key.replacingOccurrences(of: "@", with: ".") == listID }
        }
        guard let list = named.first else { return false }
        if let boundary = BoundaryHop.ours(trace: headers.traceFields, internalHosts: trust.internalHosts),
            boundary.cameFrom(Set(identity.listHosts.map { $0.lowercased() }))
        {
            return true
        }
        // A DKIM signature of exactly the list's domain, or DMARC for it: an SPF pass, or a pass of a parent domain,
        // may come from any host that domain lets send.
        var exact = trust
        exact.dkimAlignment = .strict
        let forList = AuthenticationVerdict(trace: headers.traceFields, sender: list, trust: exact)
        return forList.strongBasis != nil && !forList.fromFailed && forList.neverStrong == nil
    }

    /// X of a display name "X via List" (Mailman, Google Groups: `'Mario Rossi' via EA IT`).
    static func viaName(_ name: String?) -> String? {
        guard let name, let range = name.range(of: " via ", options: [.caseInsensitive, .backwards]) else { return nil }
        let person = name[..<range.lowerBound].trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
        return person.isEmpty ? nil : person
    }

    /// Whether an address is a mailing list's: a known list, or the list the `List-Id` names
    /// (`<early-adopters-emi.lists.egi.eu>` is `early-adopters-emi@lists.egi.eu`, RFC 2919).
    func isList(_ address: EmailAddress, headers: InboundHeaders) -> Bool {
        if identity.listAddresses.contains(address) { return true }
        guard let listID = headers.listID.flatMap(Self.listIdentifier) else { return false }
        return address.key.replacingOccurrences(of: "@", with: ".") == listID
    }

    /// The identifier inside a `List-Id` value, lower-cased.
    static func listIdentifier(_ value: String) -> String? {
        var text = value
        if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            text = String(text[text.index(after: open)..<close])
        }
        let identifier = text.trimmingWhitespace().lowercased()
        return identifier.isEmpty ? nil : identifier
    }

    // MARK: - Loops

    private func loopReasons(_ headers: InboundHeaders, sender: EmailAddress?) -> [String]? {
        var reasons: [String] = []
        let ours = Set(identity.loopValues.map(Self.normalisedLoop) + identity.addresses.map(\.key))
        if let value = headers.loops.first(where: { ours.contains(Self.normalisedLoop($0)) }) {
            reasons.append("X-Loop: \(value)")
        }
        let finder = TicketReferenceFinder(messageIDDomain: identity.messageIDDomain)
        if let id = headers.messageID, finder.isOwnMessageID(id) { reasons.append("Message-ID <\(id)> is the gateway's") }
        if let from = headers.from.first?.address, identity.addresses.contains(from) {
            reasons.append("From is the gateway (\(from))")
        } else if let sender, identity.addresses.contains(sender) {
            reasons.append("the sender is the gateway (\(sender)), through a list")
        }
        return reasons
    }

    private static func normalisedLoop(_ value: String) -> String {
        value.trimmingCharacters(in: CharacterSet(charactersIn: " \t<>")).lowercased()
    }

    // MARK: - Bounces

    private func bounceReasons(_ message: InboundMessage) -> [String]? {
        let headers = message.headers
        let contentType = headers.contentType ?? ""
        let isReport = contentType.hasPrefix("multipart/report")
        let isReadReceipt = contentType.containsBytes("disposition-notification")
        let fromDaemon = Self.isMailerDaemon(headers.from.first)
        let emptyReturnPath = headers.returnPath == ""
        let bounceSubject = Self.hasBounceSubject(headers.subject)
        var reasons: [String] = []
        if !message.failedRecipients.isEmpty {
            reasons.append("delivery-status report for " + message.failedRecipients.map(\.address.value).joined(separator: ", "))
        }
        if isReport && !isReadReceipt
            && (contentType.containsBytes("delivery-status") || fromDaemon || emptyReturnPath || bounceSubject)
        {
            reasons.append("multipart/report delivery report")
        }
        if fromDaemon && (bounceSubject || !message.embeddedMessages.isEmpty) {
            reasons.append("non-delivery notice from \(headers.from.first?.address.value ?? "")")
        }
        if emptyReturnPath && !fromDaemon && (bounceSubject || (isReport && !isReadReceipt)) {
            reasons.append("non-delivery notice with an empty Return-Path")
        }
        return reasons
    }

    /// MAILER-DAEMON, postmaster and the names MTAs sign their notices with.
    static func isMailerDaemon(_ mailbox: Mailbox?) -> Bool {
        guard let mailbox else { return false }
        let local = mailbox.address.key.split(separator: "@").first.map(String.init) ?? ""
        if ["mailer-daemon", "mailer_daemon", "mailerdaemon", "mail-daemon", "postmaster"].contains(local) { return true }
        let name = mailbox.name?.lowercased() ?? ""
        return name == "mail delivery system" || name == "mail delivery subsystem"
    }

    /// Subjects of non-delivery notices (Postfix, Exim, Sendmail, Exchange, Gmail, Lotus Notes; several languages).
    static let bounceSubjects: [String] = [
        "undeliverable", "undelivered mail", "delivery status notification", "mail delivery failed",
        "delivery failure", "failure notice", "returned mail", "delivery has failed", "could not be delivered",
        "mail delivery failure", "nondeliverable", "non-deliverable", "unzustellbar", "nicht zustellbar",
        "non remis", "échec de la remise", "non distribuable", "non recapitabile", "mancato recapito",
        "no se puede entregar", "no entregado", "onbestelbaar", "kan inte levereras", "olevererbart",
        "nie można dostarczyć", "niedostarczon", "nedoručitelné", "nelze doručit",
    ]

    static func hasBounceSubject(_ subject: String) -> Bool {
        let text = subject.lowercased()
        return bounceSubjects.contains { (words: String) -> Bool in text.containsBytes(words) }
    }

    // MARK: - Automatic replies

    /// Vacation and auto-responder headers, lower-cased. `X-Auto-Response-Suppress` is deliberately absent: it asks
    /// others not to answer and Outlook sets it on ordinary mail (GLPI issue 2170, sisimai issue 491).
    static let autoReplyMarkers: Set<String> = [
        "x-autoreply", "x-autorespond", "x-autoresponder", "x-auto-reply", "x-autoreply-from", "x-mail-autoreply",
        "x-autogenerated", "x-fc-machinegenerated", "x-autoresponse", "x-auto-response",
    ]

    private func autoReplyReasons(_ message: InboundMessage) -> [String]? {
        let headers = message.headers
        var reasons: [String] = []
        if let value = headers.autoSubmitted {
            let keyword = value.split(separator: ";").first.map { $0.trimmingWhitespace().lowercased() } ?? ""
            if !keyword.isEmpty && keyword != "no" { reasons.append("Auto-Submitted: \(keyword)") }
        }
        for (name, value) in headers.autoReplyMarkers.sorted(by: { $0.key < $1.key })
        where Self.autoReplyMarkers.contains(name.lowercased()) || AutoReplySubjects.exchangeRuleHeaders.contains(name.lowercased()) {
            reasons.append("\(name): \(value)")
        }
        if let phrase = AutoReplySubjects.phrase(in: headers.subject) {
            reasons.append("vacation subject (\(phrase.trimmingWhitespace()))")
        }
        let precedence = headers.precedence?.trimmingWhitespace().lowercased() ?? ""
        if ["bulk", "junk", "auto_reply", "auto-reply"].contains(precedence) { reasons.append("Precedence: \(precedence)") }
        if headers.returnPath == "" { reasons.append("empty Return-Path") }
        if Self.isMailerDaemon(headers.from.first) { reasons.append("from \(headers.from.first?.address.value ?? "")") }
        if let from = headers.from.first, Self.isListMachinery(from.address) {
            reasons.append("from a list's administrative address (\(from.address))")
        }
        if (headers.contentType ?? "").containsBytes("disposition-notification") { reasons.append("read receipt") }
        return reasons
    }

    /// A list manager's own addresses (`…-bounces@`, `…-owner@`, `…-request@`, `owner-…@`): moderation and
    /// subscription notices, never a person.
    static func isListMachinery(_ address: EmailAddress) -> Bool {
        let local = address.key.split(separator: "@").first.map(String.init) ?? ""
        let suffixes = ["-bounces", "-owner", "-request", "-confirm", "-admin"]
        return local.hasPrefix("owner-") || suffixes.contains { (suffix: String) -> Bool in local.hasSuffix(suffix) }
            || local.containsBytes("-bounces+")
    }
}
