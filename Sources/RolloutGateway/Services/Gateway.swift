import Foundation
import Logging
import RolloutCore
import Synchronization

/// The orchestration around the rules engine: load, decide, run hooks, render, commit — with retries
/// when another writer changed the ticket in between.
public struct Gateway: Sendable {
    public let configuration: GatewayConfiguration
    public let store: any TicketStore
    public let hooks: any HookRunner
    public let clock: DateSource
    public let renderer: NotificationRenderer
    public let logger: Logger
    /// How DKIM signing domains align with the From's (``GatewayConfiguration/dkimAlignment``). Relaxed needs the
    /// organizational domains the composition root brings; without them it stays strict (never looser than asked).
    public let dkimAlignment: DKIMAlignment
    /// Thread roots known to be queued, so that most decisions need no look-up for them.
    let sentThreadRoots = SentThreadRoots()

    public init(
        configuration: GatewayConfiguration, store: any TicketStore, hooks: any HookRunner, clock: DateSource,
        templates: TemplateLibrary, logger: Logger, signer: ReplyAddressSigner? = nil,
        writer: any MessageWriter, organizationalDomains: (any OrganizationalDomains)? = nil
    ) {
        self.configuration = configuration
        if configuration.dkimAlignment == .relaxed, let organizationalDomains {
            self.dkimAlignment = .relaxed(organizationalDomains)
        } else {
            self.dkimAlignment = .strict
        }
        self.store = store
        self.hooks = hooks
        self.clock = clock
        self.logger = logger
        self.renderer = NotificationRenderer(
            templates: templates,
            composer: MailComposer(from: configuration.address, displayName: configuration.displayName, writer: writer),
            tags: configuration.tags, context: configuration.workflow, signer: signer)
    }

    var workflow: Workflow { Workflow(context: configuration.workflow) }

    // MARK: Release tickets

    /// `release new`: records a release ticket in InVerification.
    public func createRelease(_ release: ComponentRelease, links: ReleaseLinks) async throws -> ReleaseTicket {
        let ticket = try await store.createRelease(release, links: links, at: clock.now(), cause: .operatorAction("release new"))
        logger.info("release ticket created", metadata: ["ticket": "\(ticket.id.rawValue)", "action": "release new"])
        // Each release manager gets a copy of their own, whose reply token lets them stage the release by mail.
        _ = try await decideAndCommit(ticket.id, cause: .operatorAction("release new")) { _ in .releaseCreated }
        return ticket
    }

    /// `release stage`: steps 1–3, the repository hook included.
    public func stageRelease(_ ticket: TicketID, operatorName: String) async throws -> EventReport {
        try await decideAndCommit(ticket, cause: .operatorAction("release stage")) { stored in
            .stageRelease(operator: operatorName, reservedTicketID: try await store.reserveTicketID())
        }
    }

    // MARK: Commands

    /// Applies a message's text and attachments to a ticket, as if mailed by `sender`.
    public func apply(
        to ticket: TicketID, sender: Sender, text: String, attachments: [IncomingAttachment] = [], cause: Cause,
        seen: SeenMessage? = nil
    ) async throws -> EventReport {
        let lines = text.physicalLines.map { ReadLine($0) }
        return try await apply(to: ticket, sender: sender, lines: lines, attachments: attachments, cause: cause, seen: seen)
    }

    /// Applies lines already read (the new text of a reply). `answer` turns the decision into the one that is sent
    /// and committed: the message's one answer (the transcript) added, the notifications it folds in adjusted
    /// (``AnswerFolding``).
    public func apply(
        to ticket: TicketID, sender: Sender, lines: [ReadLine], attachments: [IncomingAttachment] = [], cause: Cause,
        seen: SeenMessage? = nil, answer: (@Sendable (Decision) -> Decision)? = nil, preloaded: StoredCase? = nil,
        writtenAt: Date? = nil
    ) async throws -> EventReport {
        try await decideAndCommit(
            ticket, cause: cause, sender: sender, seen: seen, attachments: attachments, answer: answer, preloaded: preloaded
        ) { stored in
            var event = MessageEvent(
                queue: stored.queue, sender: sender, cause: cause, lines: lines,
                attachments: attachments.map { AttachmentFacts(fileName: $0.fileName, head: $0.bytes) }, writtenAt: writtenAt)
            if !event.conversationText.isEmpty {
                // The flood limit on relays reads the sender's recent mail from the ticket's history (Workflow+Relay).
                let now = clock.now()
                event.relayWindow = RelayWindow(
                    lastHour: try await store.history(of: ticket, since: now.addingTimeInterval(-3600)),
                    heldRelaysPending: try await store.timers(of: ticket).contains { $0.key.kind == .heldRelays },
                    sender: sender.address, now: now)
            }
            let stages = event.lines.contains { if case .command(.status) = $0.reading { true } else { false } }
            if stages, stored.queue == .release, stored.rolloutCase.release.status == .inVerification {
                event.reservedTicketID = try await store.reserveTicketID()
            }
            return .message(event)
        }
    }

    /// Records mail about a ticket that could not be delivered.
    public func recordDeliveryFailure(
        on ticket: TicketID, recipients: [FailedRecipient], cause: Cause, seen: SeenMessage? = nil
    ) async throws -> EventReport {
        try await decideAndCommit(ticket, cause: cause, seen: seen) { _ in .deliveryFailed(recipients, cause: cause) }
    }

    // MARK: Timers

    /// What `tick` did.
    public struct TickReport: Sendable {
        public var fired: [DueTimer] = []
        public var notifications = 0
    }

    /// Fires every timer due at the clock's now. Each firing commits with its notifications, or not at all.
    public func tick() async throws -> TickReport {
        let now = clock.now()
        var report = TickReport()
        for timer in try await store.dueTimers(at: now) {
            let key = timer.key
            do {
                let event = try await decideAndCommit(key.ticket, cause: .timer(key.kind), firedTimer: key, dueAt: timer.dueAt, at: now) { _ in
                    guard key.kind == .heldRelays else { return .timerFired(key) }
                    return .heldRelaysDue(key, held: RelayWindow.heldSinceSent(in: try await store.history(of: key.ticket)))
                }
                report.fired.append(timer)
                report.notifications += event.notifications
                logger.info(
                    "timer fired",
                    metadata: [
                        "ticket": "\(key.ticket.rawValue)", "action": "\(key.kind.rawValue)",
                        "team": "\(key.team?.description ?? "-")", "notifications": "\(event.notifications)",
                    ])
            } catch GatewayError.unknownTicket {
                try await store.markFired(key, at: now)
            } catch StoreError.alreadySeen {
                logger.debug("timer already fired by another run", metadata: ["ticket": "\(key.ticket.rawValue)", "action": "\(key.kind.rawValue)"])
            }
        }
        return report
    }

    // MARK: Outbox

    /// What `send` did.
    public struct SendReport: Sendable {
        public var delivered = 0
        public var deferred = 0
        public var failed = 0
        /// Held back by the volume caps.
        public var held = 0
        public var stillQueued = 0
        /// Why the server refused the session, when it did: nothing more was offered (exit 78).
        public var sessionRefused: String?
    }

    /// Kinds that are never held back: the notice about the caps itself.
    static let uncappedKinds: Set<OutboxKind> = [.notification(.volumeCapped)]

    /// Delivers the outbox through a transport, recording each outcome. Per recipient and per ticket, mail over
    /// the configured hourly caps waits in the outbox (the managers are told once per hour); permanent failures
    /// and refused recipients are recorded on the ticket and reported to the managers.
    public func send(through transport: any MailTransport, batchSize: Int = 500) async throws -> SendReport {
        var report = SendReport()
        let now = clock.now()
        let window = now.addingTimeInterval(-3600)
        var attempted = Set<Int64>()
        var heldByTicket: [TicketID: (count: Int, addresses: Set<EmailAddress>)] = [:]
        var noticed = Set<TicketID>()
        var caps = CapCounter(perRecipient: configuration.perRecipientPerHour, perTicket: configuration.perTicketPerHour)
        while report.sessionRefused == nil {
            let pending = try await store.pendingOutbox(at: now, limit: batchSize).filter { message in
                message.rowID.map { !attempted.contains($0) } ?? false
            }
            guard !pending.isEmpty else { break }
            var batch: [OutgoingMessage] = []
            for message in pending {
                attempted.insert(message.rowID!)
                if let over = try await caps.over(message, store: store, since: window) {
                    report.held += 1
                    try await store.postpone(message, until: now.addingTimeInterval(15 * 60))
                    if let ticket = message.ticket {
                        heldByTicket[ticket, default: (0, [])].count += 1
                        heldByTicket[ticket]!.addresses.formUnion(over)
                    }
                } else {
                    caps.count(message)
                    batch.append(message)
                }
            }
            // The managers hear once per hour per ticket that its mail is held; the notice goes out in this run.
            for (ticket, held) in heldByTicket where !noticed.contains(ticket) {
                noticed.insert(ticket)
                guard try await store.queuedCount(ticket: ticket, kind: .notification(.volumeCapped), since: window) == 0 else {
                    continue
                }
                _ = try await decideAndCommit(ticket, cause: .operatorAction("send")) { _ in
                    .outboxHeld(held: held.count, addresses: held.addresses.sorted())
                }
            }
            guard !batch.isEmpty else { continue }
            // Each outcome is recorded as soon as it is known, before the next message goes (a crash repeats at most
            // the message in flight); a session refused changes no message (a store that claims rows frees them).
            let recordingFailure = FirstError()
            let store = self.store
            let outcomes = await transport.deliver(batch) { message, outcome in
                do {
                    try await store.recordDelivery(outcome, for: message, at: now)
                } catch {
                    recordingFailure.keep(error)
                }
            }
            if let error = recordingFailure.error { throw error }
            for (message, outcome) in zip(batch, outcomes) {
                if case .sessionRefused(let reason) = outcome {
                    // One line for the whole run: the messages stay queued as they were, attempts unchanged.
                    if report.sessionRefused == nil {
                        report.sessionRefused = reason
                        logger.error(
                            "the mail server refused the session; nothing more sent, every message stays queued: \(reason)",
                            metadata: ["transport": "\(transport.name)"])
                    }
                    continue
                }
                let metadata: Logger.Metadata = [
                    "message-id": "\(message.messageID)", "ticket": "\(message.ticket?.rawValue ?? 0)", "action": "\(message.kind)",
                ]
                switch outcome {
                case .delivered:
                    report.delivered += 1
                case .partiallyDelivered(let refused):
                    report.delivered += 1
                    logger.warning(
                        "delivered, but recipients refused: \(refused.keys.map(\.value).sorted().joined(separator: ", "))",
                        metadata: metadata)
                    try await recordFailure(of: message, refused.map { FailedRecipient(address: $0.key, action: "failed", diagnostic: $0.value) })
                case .temporaryFailure(let reason):
                    report.deferred += 1
                    logger.warning("delivery deferred: \(reason)", metadata: metadata)
                case .sessionRefused:
                    break
                case .permanentFailure(let reason):
                    report.failed += 1
                    logger.error("delivery failed: \(reason)", metadata: metadata)
                    try await recordFailure(of: message, message.recipients.map { FailedRecipient(address: $0, action: "failed", diagnostic: reason) })
                }
            }
        }
        for (ticket, held) in heldByTicket.sorted(by: { $0.key < $1.key }) {
            logger.warning("outbound mail held by the volume caps", metadata: ["ticket": "\(ticket.rawValue)", "held": "\(held.count)"])
        }
        report.stillQueued = try await store.outboxCounts().queued
        logger.info(
            "outbox sent",
            metadata: [
                "transport": "\(transport.name)", "delivered": "\(report.delivered)", "deferred": "\(report.deferred)",
                "failed": "\(report.failed)", "held": "\(report.held)", "queued": "\(report.stillQueued)",
            ])
        return report
    }

    /// Records on the message's ticket the recipients it could not reach (never for the failure notices
    /// themselves, which would loop).
    private func recordFailure(of message: OutgoingMessage, _ recipients: [FailedRecipient]) async throws {
        guard let ticket = message.ticket, message.kind != .notification(.deliveryFailed), !recipients.isEmpty else { return }
        _ = try await recordDeliveryFailure(on: ticket, recipients: recipients, cause: .operatorAction("send \(message.messageID)"))
    }

    /// Counts what one `send` run hands to the transport, on top of what the store says was delivered in the window.
    /// Each class of mail (``OutboxKind/CapClass``) has the caps to itself: relays and answers never hold back the
    /// workflow's notifications, nor the other way round.
    struct CapCounter {
        let perRecipient: Int
        let perTicket: Int
        struct RecipientCount: Hashable {
            var recipient: EmailAddress
            var capClass: OutboxKind.CapClass
        }
        struct TicketCount: Hashable {
            var ticket: TicketID
            var capClass: OutboxKind.CapClass
        }
        var stored: [RecipientCount: Int] = [:]
        var storedTickets: [TicketCount: Int] = [:]

        /// The addresses over their cap (all of them when the ticket is over its cap), or nil when `message` may go.
        mutating func over(_ message: OutgoingMessage, store: any TicketStore, since window: Date) async throws -> Set<EmailAddress>? {
            guard !Gateway.uncappedKinds.contains(message.kind) else { return nil }
            let capClass = message.kind.capClass
            var over = Set<EmailAddress>()
            for recipient in message.recipients {
                let key = RecipientCount(recipient: recipient, capClass: capClass)
                if stored[key] == nil { stored[key] = try await store.deliveredCount(to: recipient, kinds: capClass.kinds, since: window) }
                if stored[key]! >= perRecipient { over.insert(recipient) }
            }
            if let ticket = message.ticket {
                let key = TicketCount(ticket: ticket, capClass: capClass)
                if storedTickets[key] == nil { storedTickets[key] = try await store.deliveredCount(ticket: ticket, kinds: capClass.kinds, since: window) }
                if storedTickets[key]! >= perTicket { over.formUnion(message.recipients) }
            }
            return over.isEmpty ? nil : over
        }

        /// Notes a message handed to the transport.
        mutating func count(_ message: OutgoingMessage) {
            let capClass = message.kind.capClass
            for recipient in message.recipients { stored[RecipientCount(recipient: recipient, capClass: capClass), default: 0] += 1 }
            if let ticket = message.ticket { storedTickets[TicketCount(ticket: ticket, capClass: capClass), default: 0] += 1 }
        }
    }

    // MARK: The one path every event takes

    private func decideAndCommit(
        _ ticket: TicketID, cause: Cause, sender: Sender? = nil, seen: SeenMessage? = nil, attachments: [IncomingAttachment] = [],
        firedTimer: TimerKey? = nil, dueAt firedTimerDueAt: Date? = nil, at fixedNow: Date? = nil, answer: (@Sendable (Decision) -> Decision)? = nil,
        preloaded: StoredCase? = nil, event makeEvent: (StoredCase) async throws -> WorkflowEvent
    ) async throws -> EventReport {
        var preloaded = preloaded
        var hooksRun: [HookRun] = []
        for _ in 0..<5 {
            // A case loaded just before is used once; after a conflict the ticket is loaded afresh.
            let loaded: StoredCase?
            if let first = preloaded {
                loaded = first
                preloaded = nil
            } else {
                loaded = try await store.load(ticket)
            }
            guard let stored = loaded else { throw GatewayError.unknownTicket(ticket) }
            let now = fixedNow ?? clock.now()
            let event = try await makeEvent(stored)
            var decision = workflow.decide(stored.rolloutCase, event, now: now)
            if let answer { decision = answer(decision) }
            // A hook that already ran for this event (before a conflict made it decide again) is not run twice.
            for hook in decision.hooks where !hooksRun.contains(where: { $0.hook == hook.hook && $0.release.id == hook.release.id }) {
                try await hooks.run(hook)
                hooksRun.append(hook)
            }
            let roots = renderer.threadRoots(of: decision)
            let unknown = sentThreadRoots.unknown(among: roots)
            let found = unknown.isEmpty ? [] : try await store.outboxMessageIDs(among: unknown)
            // Remembered only from a store whose reads are committed rows: within a batch they may be rolled back.
            if !store.takesComposingMessages { sentThreadRoots.remember(found) }
            let rootsSent = Set(roots).subtracting(unknown).union(found)
            let outbox = try renderer.render(
                decision, cause: cause, now: now, composeLater: store.takesComposingMessages, rootsSent: rootsSent)
            let storedAttachments = zip(attachments, decision.attachments).map { incoming, verdict in
                StoredAttachment(verdict: verdict, contentType: incoming.contentType, bytes: incoming.bytes)
            }
            do {
                try await store.commit(
                    StoreCommit(
                        base: stored, decision: decision, outbox: outbox, seen: seen, attachments: storedAttachments,
                        firedTimer: firedTimer, firedTimerDueAt: firedTimerDueAt))
            } catch StoreError.conflict {
                logger.debug("ticket changed under the event; deciding again", metadata: ["ticket": "\(ticket.rawValue)"])
                continue
            }
            for result in decision.results {
                logger.log(
                    level: cause.isMessage ? .debug : .info,
                    "command \(result.status.rawValue): \(result.message)",
                    metadata: [
                        "ticket": "\(ticket.rawValue)", "cause": "\(cause)", "command": "\(result.line)",
                        "sender": "\(sender?.address.value ?? "-")",
                    ])
            }
            return EventReport(
                ticket: ticket, results: decision.results, attachments: decision.attachments, notifications: outbox.count,
                createdTicket: decision.createdTicket, state: decision.state,
                answered: decision.notifications.contains { $0.kind == .transcript })
        }
        throw GatewayError.tooManyConflicts(ticket)
    }
}

/// The first error of several concurrent attempts, kept for the caller to throw.
final class FirstError: Sendable {
    private let first = Mutex<(any Error)?>(nil)

    func keep(_ error: any Error) { first.withLock { if $0 == nil { $0 = error } } }
    var error: (any Error)? { first.withLock { $0 } }
}
