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

    public init(gateway: Gateway, parser: any MailParser, usesStore: Bool = true) {
        self.gateway = gateway
        self.parser = parser
        self.usesStore = usesStore
    }

    var configuration: GatewayConfiguration { gateway.configuration }
    var registry: Registry { configuration.workflow.registry }
    var logger: Logger { gateway.logger }

    var identity: GatewayIdentity {
        GatewayIdentity(
            addresses: [configuration.address], messageIDDomain: configuration.address.domain,
            loopValues: [configuration.address.value], trustedAuthservIDs: configuration.trustedAuthservIDs,
            listAddresses: registry.stacks.values.flatMap(\.lists))
    }

    var finder: TicketReferenceFinder {
        TicketReferenceFinder(tags: configuration.tags, messageIDDomain: configuration.address.domain)
    }

    /// What became of a message.
    public enum Disposition: String, Sendable, Codable {
        case applied
        case duplicate
        case loop
        case autoReply = "auto-reply"
        case bounce
        /// Kept (recorded) but not applied: names no ticket, unknown sender, forged address, too large.
        case setAside = "set-aside"
    }

    /// Everything read from one message and what would be done with it.
    public struct Analysis: Sendable {
        public var message: InboundMessage
        public var classification: MessageClassifier.Classification
        public var ticket: TicketID?
        public var queue: Queue?
        /// How the ticket was found: `signed-address`, `subject-tag`, `in-reply-to`, `references`, `returned-message`.
        public var foundBy: String?
        public var duplicate: Bool?
        public var reply: ReplyText
        public var lines: [ReadLine]
        public var authentication: AuthenticationLevel
        public var senderKnown: Bool
        /// Whether an answer may go to the sender at all.
        public var mayAnswer: Bool
        /// The dry-run decision on the current ticket, when the store was consulted.
        public var decision: Decision?
        public var disposition: Disposition
        /// Why the message is set aside, in our words (also the answer's reason).
        public var problem: String?
        public var tooLarge: Bool
        /// The release of the ticket named, when the store knows it.
        public var release: ComponentRelease?
        /// The ticket's case as loaded, reused by the commit unless it changed meanwhile.
        public var stored: StoredCase?
        /// Answers queued to the sender in the last hour (for the rate limit).
        public var answersToSender = 0
        /// A reply-address token that did not verify.
        public var forgedToken: String?
        /// The size of the message as received.
        public var rawSize = 0
        /// The message as received (kept when it is set aside), and where it came from (`stdin`, `imap …`).
        public var raw: [UInt8] = []
        public var source = "stdin"

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
        let size = declaredSize ?? raw.count
        let tooLarge = size > configuration.maxMessageBytes
        var message = parser.parse(tooLarge ? Self.headerPart(of: raw) : raw)
        if tooLarge {
            message.size = size
            message.defects.append("message of \(size) bytes exceeds the limit of \(configuration.maxMessageBytes)")
        }
        let classification = MessageClassifier(identity: identity).classify(message)
        let sender = classification.sender?.address
        let senderKnown = sender.map(registry.knows) ?? false
        var analysis = Analysis(
            message: message, classification: classification, reply: ReplyText(message.text), lines: [],
            authentication: classification.authenticationLevel, senderKnown: senderKnown,
            mayAnswer: classification.replyPolicy.allowsReply(senderIsKnown: senderKnown), disposition: .applied,
            tooLarge: tooLarge)
        analysis.lines = analysis.reply.readLines

        // The ticket: a signed reply address first, then the subject tag and threading headers (SPEC §5).
        analysis.rawSize = size
        analysis.raw = raw
        if let signer = gateway.renderer.signer {
            for mailbox in message.headers.to + message.headers.cc {
                switch signer.read(mailbox.address) {
                case .valid(let ticket) where analysis.ticket == nil:
                    analysis.ticket = ticket
                    analysis.foundBy = "signed-address"
                case .forged(let token): analysis.forgedToken = token
                default: break
                }
            }
        }
        if analysis.ticket == nil, let reference = finder.reference(in: message.headers) {
            analysis.ticket = reference.ticket
            analysis.queue = reference.queue
            analysis.foundBy = Self.describe(reference.source)
        }
        if classification.kind == .bounce, analysis.ticket == nil {
            if let reference = finder.returnedReference(in: message) {
                analysis.ticket = reference.ticket
                analysis.foundBy = "returned-message"
            } else if let ticket = (message.headers.to + message.headers.cc).lazy
                .compactMap({ self.gateway.renderer.composer.ticket(inReturnPath: $0.address) }).first
            {
                analysis.ticket = ticket
                analysis.foundBy = "return-path"
            }
        }
        return analysis
    }

    /// Completes a prepared analysis with what the store knows: duplicate, the ticket's case, the answers sent.
    public func analyze(_ prepared: Analysis, dryRun: Bool = true) async throws -> Analysis {
        var analysis = prepared
        let message = analysis.message
        let classification = analysis.classification
        let sender = analysis.sender
        let tooLarge = analysis.tooLarge
        var stored: StoredCase?
        if usesStore {
            let lookup = try await gateway.store.lookUp(
                messageKey: message.seenKey, ticket: analysis.ticket, sender: sender,
                answersSince: gateway.clock.now().addingTimeInterval(-3600))
            analysis.duplicate = lookup.seen
            analysis.answersToSender = lookup.answersToSender
            stored = lookup.stored
        }
        analysis.stored = stored
        if let stored {
            analysis.queue = stored.queue
            analysis.release = stored.rolloutCase.release.release
        }

        // Strong: a reply to the signed address of this very ticket from someone concerned, or a DKIM pass.
        if analysis.foundBy == "signed-address", let sender, let stored {
            let stack = stored.rolloutCase.release.release.stack
            let concerned = registry.isManager(sender, ofStack: stack) || registry.isReleaseManager(sender)
                || registry.teams(of: sender).contains { team in stored.rolloutCase.rollout?.assignment(of: team) != nil }
            if concerned { analysis.authentication = .strong }
        }

        switch classification.kind {
        case .loop: analysis.disposition = .loop
        case .autoReply: analysis.disposition = .autoReply
        case .bounce: analysis.disposition = .bounce
        case .reply:
            if analysis.duplicate == true {
                analysis.disposition = .duplicate
            } else if tooLarge {
                analysis.setAside("the message is \(analysis.rawSize / 1024) KiB; the gateway takes messages up to \(configuration.maxMessageBytes / 1024) KiB — send the report as a smaller file")
            } else if let forged = analysis.forgedToken {
                analysis.setAside("the reply address token '\(forged)' was not issued by this gateway")
                analysis.mayAnswer = false
            } else if sender == nil {
                analysis.setAside("no sender address could be found (From, Reply-To)")
            } else if !analysis.senderKnown, !classification.authentication.vouched {
                analysis.setAside("the sender is not known to the gateway and its mail server did not vouch for it (no DKIM or SPF pass from a trusted host)")
            } else if analysis.ticket == nil {
                analysis.setAside("the message names no ticket: reply to a notification and keep [\(configuration.tags[.stagedRollout] ?? "staged-rollout") #N] in the subject")
            } else if usesStore, stored == nil {
                analysis.setAside("there is no ticket #\(analysis.ticket!.rawValue)")
            }
        }

        if dryRun, analysis.disposition == .applied, let stored, let sender {
            let event = MessageEvent(
                queue: stored.queue, sender: Sender(address: sender, authentication: analysis.authentication),
                cause: .message(id: message.seenKey), lines: analysis.lines,
                attachments: message.attachments.map { AttachmentFacts(fileName: $0.fileName, head: $0.bytes) })
            analysis.decision = Workflow(context: configuration.workflow).decide(stored.rolloutCase, .message(event), now: gateway.clock.now())
        }
        return analysis
    }

    static func describe(_ source: TicketReference.Source) -> String {
        switch source {
        case .subjectTag: "subject-tag"
        case .inReplyTo: "in-reply-to"
        case .references: "references"
        case .ownMessageID: "own-message-id"
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
    mutating func setAside(_ reason: String) {
        disposition = .setAside
        problem = reason
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
