import Foundation
import Logging
import RolloutCore

/// Mail in: parse a message, decide what it is and which ticket it names, apply it once, answer it.
///
/// ``analyze(_:)`` reads and decides without changing anything (it is what `explain` prints);
/// ``ingest(_:)`` acts on the analysis. Every message ends recorded as seen — applied, duplicate,
/// loop, auto-reply, bounce or set aside — in the same transaction as its effects.
public struct Ingest: Sendable {
    public let gateway: Gateway
    public let parser: any MailParser
    /// Whether the store is consulted (for duplicates and dry runs); `explain` may go without.
    public let usesStore: Bool
    /// Checks signed mail (S/MIME, OpenPGP); without it signatures are not looked at (issue 23).
    public let verifier: (any SignatureVerifier)?

    public init(gateway: Gateway, parser: any MailParser, usesStore: Bool = true, verifier: (any SignatureVerifier)? = nil) {
        self.gateway = gateway
        self.parser = parser
        self.usesStore = usesStore
        self.verifier = verifier
    }

    /// The same ingest working within `transaction` (``Gateway/within(_:collecting:)``).
    public func within(_ transaction: any StoreTransaction, collecting afterCommit: AfterCommit) -> Ingest {
        Ingest(gateway: gateway.within(transaction, collecting: afterCommit), parser: parser, usesStore: usesStore, verifier: verifier)
    }

    /// The same ingest working with `gateway` (one within a transaction: ``Gateway/inTransaction(_:)``).
    func with(_ gateway: Gateway) -> Ingest {
        Ingest(gateway: gateway, parser: parser, usesStore: usesStore, verifier: verifier)
    }

    var configuration: GatewayConfiguration { gateway.configuration }
    var registry: Registry { configuration.workflow.registry }
    var logger: Logger { gateway.logger }

    var identity: GatewayIdentity {
        GatewayIdentity(
            addresses: [configuration.address], messageIDDomain: configuration.address.domain,
            loopValues: [configuration.address.value], trustedAuthservIDs: configuration.trustedAuthservIDs,
            listAddresses: registry.stacks.values.flatMap(\.lists), internalHosts: configuration.internalHosts,
            listHosts: configuration.listHosts, dkimAlignment: gateway.dkimAlignment)
    }

    var finder: TicketReferenceFinder {
        TicketReferenceFinder(tags: configuration.tags, messageIDDomain: configuration.address.domain)
    }

    /// What became of a message.
    public typealias Disposition = InboundPolicy.Disposition

    /// Everything read from one message and what would be done with it.
    public struct Analysis: Sendable {
        public var message: InboundMessage
        public var classification: MessageClassifier.Classification
        public var ticket: TicketID?
        public var queue: Queue?
        /// How the ticket was found: `signed-address`, `subject-tag`, `in-reply-to`, `references`, `returned-message`.
        public var foundBy: TicketFinding?
        public var duplicate: Bool?
        public var reply: ReplyText
        public var lines: [ReadLine]
        public var authentication: AuthenticationLevel
        /// How ``authentication`` was established.
        public var basis: AuthenticationBasis
        /// The best reply-address token among the recipients, when one verified.
        public var token: ReplyAddressSigner.Reading?
        public var senderKnown: Bool
        /// Whether an answer may go to the sender at all.
        public var mayAnswer: Bool
        /// The dry-run decision on the current ticket, when the store was consulted.
        public var decision: Decision?
        public var disposition: Disposition
        /// Why the message is set aside, in our words (also the answer's reason).
        public var problem: String?
        /// Set aside only because it names no ticket (``InboundPolicy/Verdict/namesNoTicket``).
        public var namesNoTicket = false
        public var tooLarge: Bool
        /// The release of the ticket named, when the store knows it.
        public var release: ComponentRelease?
        /// The ticket's case as loaded, reused by the commit unless it changed meanwhile.
        public var stored: StoredCase?
        /// Answers queued to the sender in the last hour (for the rate limit).
        public var answersToSender = 0
        /// The failures of a delivery report that may be recorded (``readDeliveryReport(_:)``), without free text.
        public var bouncedRecipients: [FailedRecipient] = []
        /// A reply-address token that did not verify (and no other did).
        public var invalidToken: String?
        /// The size of the message as received.
        public var rawSize = 0
        /// The message as received (kept when it is set aside), and where it came from (`stdin`, `imap …`).
        public var raw: [UInt8] = []
        public var source = "stdin"
        /// When the gateway first received the message, when that was earlier than now (a set-aside message
        /// replayed): its arrival when no hop of ours dated it.
        public var receivedAt: Date?
        /// For a replay: the set-aside number the message keeps if it is set aside again.
        public var setAsideID: Int64?
        /// The keys under which the message is recorded besides its Message-ID (``ReplayIdentity``, hashed).
        public var replayKeys: [String] = []
        /// A strong message whose Message-ID only weaker copies took before (a forger's copy under the genuine mail's
        /// Message-ID, a list's copy set aside): not their duplicate, it is recorded under ``Ingest/strongClaim(_:)``.
        public var idTakenByWeakerCopy = false
        /// The sender's relay window on the ticket, read with the replay keys (``ReplyFacts``) for the apply.
        public var relayWindow: RelayWindow?
        /// When the message counts as written (``MessageFreshness``): kept with the history it causes.
        public var writtenAt: Date?
        /// Why commands that need a strong sender do not apply from it (stale or replayed), when they do not.
        public var staleReason: String?
        /// What the message's signature proved (``checkSignature(_:)``); nil when it carries none that is checked.
        public var signature: SignatureCheck?
        /// The bytes of a valid signature: the same signed mail sent again is recognised by them.
        public var signatureBytes: [UInt8]?
        /// The signed part's text, once a signature verified: the only text the reply is read from, its own-text cut
        /// included (``cutOwnText(_:sent:)``); nil when the reply is read from the whole message.
        public var signedText: String?
        /// A signature of a scheme no verifier here checks (OpenPGP without `inbound.openpgp`): why the mail counts
        /// as unsigned.
        public var uncheckedSignature: String?

        public var sender: EmailAddress? { classification.sender?.address }
    }

    // MARK: Reading

    /// Reads a message and decides what to do with it, changing nothing. `dryRun` also decides the commands on the
    /// ticket as it is now (for `explain`).
    public func analyze(_ raw: [UInt8], dryRun: Bool = true) async throws -> Analysis {
        try await analyze(prepare(raw), dryRun: dryRun)
    }

    /// The part of reading a message that needs no store: parsing, classification, the new text, the ticket named.
    /// Pure CPU work, so a batch can prepare the next messages on another core while this one commits.
    ///
    /// - Parameter declaredSize: the message's real size when `raw` holds only its header block (IMAP leaves the
    ///   body of an oversized message on the server).
    public func prepare(_ raw: [UInt8], declaredSize: Int? = nil) -> Analysis {
        StageTimes.measure("prepare") { prepareMeasured(raw, declaredSize: declaredSize) }
    }

    private func prepareMeasured(_ raw: [UInt8], declaredSize: Int?) -> Analysis {
        let size = declaredSize ?? raw.count
        let tooLarge = size > configuration.maxMessageBytes
        var message = StageTimes.measure("prepare.parse") { parser.parse(tooLarge ? Self.headerPart(of: raw) : raw) }
        if tooLarge {
            message.size = size
            message.defects.append("message of \(size) bytes exceeds the limit of \(configuration.maxMessageBytes)")
        }
        let classification = StageTimes.measure("prepare.classify") { MessageClassifier(identity: identity).classify(message) }
        let sender = classification.sender?.address
        let senderKnown = sender.map(registry.knows) ?? false
        let (reply, lines) = StageTimes.measure("prepare.reply-reading") {
            let reply = ReplyText(message.text)
            return (reply, reply.readLines)
        }
        var analysis = Analysis(
            message: message, classification: classification, reply: reply, lines: [],
            authentication: classification.authenticationLevel,
            basis: classification.authentication.strongBasis ?? .fromOnly, senderKnown: senderKnown,
            mayAnswer: classification.replyPolicy.allowsReply(senderIsKnown: senderKnown), disposition: .applied,
            tooLarge: tooLarge)
        analysis.lines = lines
        analysis.rawSize = size
        analysis.raw = raw
        StageTimes.measure("prepare.ticket-finding") { findTicket(&analysis) }
        if classification.kind == .bounce { readDeliveryReport(&analysis) }  // issue 17: Ingest+Bounce.swift
        return analysis
    }

    /// The ticket a message names: a signed reply address first, then the subject tag and threading headers (SPEC §5).
    private func findTicket(_ analysis: inout Analysis) {
        let (message, sender) = (analysis.message, analysis.sender)
        if let signer = gateway.renderer.signer {
            (analysis.token, analysis.invalidToken) = Self.bestToken(
                in: message.headers.to + message.headers.cc, signer: signer, senders: sender.map(registry.addresses(of:)) ?? [])
            if let ticket = analysis.token?.ticket {
                analysis.ticket = ticket
                analysis.foundBy = .signedAddress
            }
        }
        if analysis.ticket == nil, let reference = finder.reference(in: message.headers) {
            analysis.ticket = reference.ticket
            analysis.queue = reference.queue
            analysis.foundBy = Self.describe(reference.source)
        }
    }

    /// The seen key a strong copy of the message with seen key `key` takes besides (or, when weaker copies took `key`,
    /// instead of) `key` itself.
    public static func strongClaim(_ key: String) -> String { "\(key) strong" }

    /// Completes a prepared analysis with what the store knows: duplicate, the ticket's case, the answers sent.
    public func analyze(_ prepared: Analysis, dryRun: Bool = true) async throws -> Analysis {
        var analysis = prepared
        await checkSignature(&analysis)  // issue 23: only signed words count (Ingest+Signature.swift)
        let message = analysis.message
        let classification = analysis.classification
        let sender = analysis.sender
        let tooLarge = analysis.tooLarge
        var stored: StoredCase?
        var (seenByID, replayed) = (false, false)
        if usesStore {
            let lookup = try await StageTimes.measureWall("analyze.look-up") {
                try await gateway.store.lookUp(
                    messageKey: message.seenKey, ticket: analysis.ticket, sender: sender,
                    answersSince: gateway.clock.now().addingTimeInterval(-3600), sentText: sentTextRequest(for: analysis))
            }
            analysis.duplicate = lookup.seen
            seenByID = lookup.seen
            analysis.answersToSender = lookup.answersToSender
            stored = lookup.stored
            cutOwnText(&analysis, sent: lookup.sentText)  // issue 12: our own text ends the new text (Ingest+OwnText.swift)
            analysis.replayKeys = replayKeys(of: analysis)
            if lookup.seen == false, analysis.classification.kind == .reply {
                // The apply that follows reads the sender's relay window as read here (one statement with the keys).
                let facts = try await StageTimes.measureWall("analyze.reply-facts") {
                    try await gateway.store.replyFacts(
                        replayKeys: analysis.replayKeys, relayOn: stored == nil ? nil : analysis.ticket, by: sender,
                        since: gateway.clock.now().addingTimeInterval(-3600))
                }
                // The same mail sent again under a new Message-ID: a duplicate, whatever it says.
                if facts.replayed {
                    analysis.duplicate = true
                    replayed = true
                }
                analysis.relayWindow = facts.relayWindow
            }
        }
        analysis.stored = stored
        if let stored {
            analysis.queue = stored.queue
            analysis.release = stored.rolloutCase.release.release
        }

        // Strong by token when the token was issued to this very sender and the ticket concerns them; else by what
        // the headers showed.
        var concerned = false
        if let sender, let stored {
            let stack = stored.rolloutCase.release.release.stack
            concerned = registry.isManager(sender, ofStack: stack) || registry.isReleaseManager(sender)
                || registry.teams(of: sender).contains { team in stored.rolloutCase.rollout?.assignment(of: team) != nil }
        }
        // The token counts for the ticket it was issued for only: a set-aside message replayed onto another ticket
        // (`set-aside replay --ticket`) keeps its token, which says nothing of the sender there.
        var issuedToSender = false
        if case .person(let tokenTicket, true) = analysis.token, tokenTicket == analysis.ticket { issuedToSender = true }
        (analysis.authentication, analysis.basis) = InboundPolicy.strength(
            headers: classification.authentication, tokenIssuedToSender: issuedToSender, senderConcerned: concerned,
            accepted: configuration.strongBases, signature: analysis.signature)
        // Anyone can write a Message-ID: a strong mail is the duplicate of a copy under its Message-ID only when a
        // strong copy took it (``strongClaim(_:)``). Else a forger who saw the mail (on Cc, on a list, while our MX
        // greylisted it) could send a copy of his own first and have the genuine `resolve` dropped without a word.
        if usesStore, seenByID, !replayed, analysis.authentication == .strong,
            try await !gateway.store.hasSeen(Self.strongClaim(message.seenKey))
        {
            analysis.duplicate = false
            analysis.idTakenByWeakerCopy = true
        }
        try await judgeFreshness(&analysis)

        let verdict = InboundPolicy.judge(
            InboundPolicy.Facts(
                kind: classification.kind, duplicate: analysis.duplicate == true,
                oversize: tooLarge ? (analysis.rawSize, configuration.maxMessageBytes) : nil,
                invalidToken: analysis.invalidToken != nil, sender: sender, senderKnown: analysis.senderKnown,
                fromFailed: classification.authentication.fromFailed, genuineListCopy: classification.throughList && classification.listRewroteFrom,
                listFromForged: classification.listFromForged,
                vouched: classification.authentication.vouched, answerable: analysis.mayAnswer,
                answersLastHour: analysis.answersToSender, ticket: analysis.ticket,
                ticketExists: usesStore ? stored != nil : nil, gatewayAddress: configuration.address,
                tag: configuration.tags[.stagedRollout] ?? "staged-rollout"))
        analysis.disposition = verdict.disposition
        analysis.problem = verdict.reason
        analysis.mayAnswer = verdict.mayAnswer
        analysis.namesNoTicket = verdict.namesNoTicket
        judgeDeliveryReport(&analysis)

        if dryRun, analysis.disposition == .applied, let stored, let sender {
            let event = MessageEvent(
                queue: stored.queue, sender: analysis.actingSender(sender),
                cause: .message(id: message.seenKey), lines: analysis.lines,
                attachments: message.attachments.map { AttachmentFacts(fileName: $0.fileName, head: $0.bytes) },
                writtenAt: analysis.writtenAt)
            analysis.decision = Workflow(context: configuration.workflow).decide(stored.rolloutCase, .message(event), now: gateway.clock.now())
        }
        return analysis
    }

    static func describe(_ source: TicketReference.Source) -> TicketFinding {
        switch source {
        case .subjectTag: .subjectTag
        case .inReplyTo: .inReplyTo
        case .references: .references
        case .ownMessageID: .ownMessageID
        }
    }

    /// The header block of a raw message (up to the first empty line), for messages too large to read whole.
    static func headerPart(of raw: [UInt8]) -> [UInt8] {
        var index = 0
        var previousNewline = false
        while index < raw.count, index < 1 << 20 {
            if raw[index] == 0x0A {
                if previousNewline { return Array(raw[...index]) }
                previousNewline = true
            } else if raw[index] != 0x0D {
                previousNewline = false
            }
            index += 1
        }
        return Array(raw.prefix(index))
    }
}

extension Ingest.Analysis {
    /// The sender as the workflow sees it: address, level, how the level was established, and whether the message
    /// is too old to carry commands that need a strong sender.
    func actingSender(_ address: EmailAddress) -> Sender {
        Sender(
            address: address, authentication: authentication, basis: basis, staleReason: staleReason,
            name: classification.sender?.address == address ? classification.sender?.name : nil, signature: signature)
    }
}

extension Ingest {
    /// The most telling reply-address token among the recipients: one issued to the sender, else another person's,
    /// else a list's. A token that does not verify counts only when no other does. `senders` are every address of the
    /// person writing (the From first): a token issued to any of them is theirs.
    static func bestToken(in mailboxes: [Mailbox], signer: ReplyAddressSigner, senders: [EmailAddress])
        -> (ReplyAddressSigner.Reading?, invalid: String?)
    {
        var best: ReplyAddressSigner.Reading?
        var invalid: String?
        func rank(_ reading: ReplyAddressSigner.Reading?) -> Int {
            switch reading {
            case .person(_, true): 3
            case .person(_, false): 2
            case .list: 1
            default: 0
            }
        }
        for mailbox in mailboxes {
            for sender in senders.isEmpty ? [nil] : senders.map(Optional.some) {
                let reading = signer.read(mailbox.address, sender: sender)
                if case .invalid(let token) = reading {
                    invalid = invalid ?? token
                } else if rank(reading) > rank(best) {
                    best = reading
                }
            }
        }
        return (best, best == nil ? invalid : nil)
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
