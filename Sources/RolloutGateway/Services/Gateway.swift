import Foundation
import Logging
import RolloutCore
import Synchronization

/// The orchestration around the rules engine: load, decide, run the decision's hooks, render, commit — with retries
/// when another writer changed the ticket in between (never into a decision that would not have run a hook that ran).
public struct Gateway: Sendable {
    public private(set) var configuration: GatewayConfiguration
    /// Where the gateway reads and writes: the store, or one of its transactions (``within(_:)``).
    public private(set) var store: any StoreTransaction
    /// Makes what was committed durable: the store's, whatever ``store`` is.
    public let unitOfWork: any UnitOfWork
    /// When ``store`` is a transaction: what its work leaves waiting for the commit (thread roots), which the
    /// transaction's owner hands over once it has committed (``committed(_:)``), or drops when it is undone.
    public private(set) var afterCommit: AfterCommit?
    /// Whether ``store`` is a transaction, whose reads may yet be undone.
    public var isInTransaction: Bool { afterCommit != nil }
    public let hooks: any HookRunner
    public let clock: DateSource
    public let renderer: NotificationRenderer
    public let logger: Logger
    /// How DKIM signing domains align with the From's (``GatewayConfiguration/dkimAlignment``). Relaxed needs the
    /// organizational domains the composition root brings; without them it stays strict (never looser than asked).
    public let dkimAlignment: DKIMAlignment
    /// Makes the report bundle's ZIP for `bundle` by mail (adapter: `ArchiveZIP`); without one, the answer says how to
    /// fetch the bundle on the gateway host.
    public var archiver: (any ArchiveWriter)?
    /// Thread roots known to be queued, so that most decisions need no look-up for them.
    let sentThreadRoots = SentThreadRoots()
    /// Where the beta downtimes of the teams' sites are read (GOCDB), when configured (``probing(_:)``).
    public private(set) var betaDowntimeProbe: BetaDowntimeProbe?

    public init(
        configuration: GatewayConfiguration, store: any StoreTransaction & UnitOfWork, hooks: any HookRunner, clock: DateSource,
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
        self.unitOfWork = store
        self.hooks = hooks
        self.clock = clock
        self.logger = logger
        self.renderer = NotificationRenderer(
            templates: templates,
            composer: MailComposer(
                from: configuration.address, displayName: configuration.displayName, writer: writer, threadRootSigner: signer),
            tags: configuration.tags, context: configuration.workflow, signer: signer)
    }

    var workflow: Workflow { Workflow(context: configuration.workflow) }

    /// The same gateway working within `transaction`: everything it reads and writes goes through it, and what its
    /// work leaves waiting for the commit goes to `afterCommit`, for the transaction's owner.
    public func within(_ transaction: any StoreTransaction, collecting afterCommit: AfterCommit) -> Gateway {
        var scoped = self
        scoped.store = transaction
        scoped.afterCommit = afterCommit
        return scoped
    }

    /// The same gateway deciding with `registry` (a long-running process: the people as the directory says now).
    public func deciding(with registry: Registry) -> Gateway {
        var deciding = self
        deciding.configuration.workflow.registry = registry
        return deciding
    }

    /// The same gateway asking `probe` for the teams' beta downtimes when a check is due.
    public func probing(_ probe: BetaDowntimeProbe?) -> Gateway {
        var probing = self
        probing.betaDowntimeProbe = probe
        return probing
    }

    /// Runs `body` in a transaction: nested in this gateway's (what it leaves waiting is handed to the enclosing
    /// transaction when it is kept), or of its own on the store (what it leaves waiting runs once it is committed).
    public func inTransaction<T: Sendable>(_ body: (Gateway) async throws -> T) async throws -> T {
        let nested = AfterCommit()
        let result = try await store.withTransaction { transaction in try await body(within(transaction, collecting: nested)) }
        if let afterCommit { afterCommit.adopt(nested) } else { committed(nested) }
        return result
    }

    /// Hands over what waited for a commit now made: its thread roots are remembered.
    public func committed(_ pending: AfterCommit) {
        sentThreadRoots.remember(pending.take())
    }

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
        // Reserved once: a decision made again after a conflict stages under the number its hook was told.
        let reserved = try await store.reserveTicketID()
        return try await decideAndCommit(ticket, cause: .operatorAction("release stage")) { _ in
            .stageRelease(operator: operatorName, reservedTicketID: reserved)
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
    /// (``AnswerFolding``). `preloaded` and `relayWindow`, read just before (by the ingest loop, in the same
    /// transaction), serve the first decision only: after a conflict both are read afresh.
    public func apply(
        to ticket: TicketID, sender: Sender, lines: [ReadLine], attachments: [IncomingAttachment] = [], cause: Cause,
        seen: SeenMessage? = nil, answer: (@Sendable (Decision) -> Decision)? = nil, preloaded: StoredCase? = nil,
        relayWindow: RelayWindow? = nil, writtenAt: Date? = nil
    ) async throws -> EventReport {
        var preloadedWindow = preloaded == nil ? nil : relayWindow
        var reserved: TicketID?
        let (attachments, notKept) = try await roomFor(attachments, from: sender, on: ticket, preloaded: preloaded)
        var answer = answer
        if !notKept.isEmpty {
            // Said first, so that the answer (the transcript) tells the sender which files were not kept.
            let answering = answer
            answer = { decision in
                var noted = decision
                noted.results += notKept
                return answering?(noted) ?? noted
            }
        }
        return try await decideAndCommit(
            ticket, cause: cause, sender: sender, seen: seen, attachments: attachments, answer: answer, preloaded: preloaded
        ) { stored in
            var event = MessageEvent(
                queue: stored.queue, sender: sender, cause: cause, lines: lines,
                attachments: attachments.map { AttachmentFacts(fileName: $0.fileName, head: $0.bytes) }, writtenAt: writtenAt)
            let window = preloadedWindow
            preloadedWindow = nil
            if !event.conversationText.isEmpty {
                // The flood limit on relays counts the sender's relayed mail of the hour on the ticket (Workflow+Relay).
                if let window {
                    event.relayWindow = window
                } else {
                    let now = clock.now()
                    event.relayWindow = try await store.relayWindow(on: ticket, by: sender.address, since: now.addingTimeInterval(-3600))
                }
            }
            let stages = event.lines.contains { if case .command(.status) = $0.reading { true } else { false } }
            if stages, stored.queue == .release, stored.rolloutCase.release.status == .inVerification {
                // Reserved once: a decision made again after a conflict stages under the number its hook was told.
                if reserved == nil { reserved = try await store.reserveTicketID() }
                event.reservedTicketID = reserved
            }
            return .message(event)
        }
    }

    /// The attachments the ticket has room for (``GatewayConfiguration/ticketFilesMaxBytes``, counting the files it
    /// keeps: a rollout's, or a release's without one), in order; each one that would pass the limit is left out, with
    /// a refusal that says so. A file left out is not kept anywhere: the sender has it. A strong sender's files are
    /// kept whatever the limit: a forger of a member's From (weak) can fill a ticket's room, never keep a team's
    /// genuine report out.
    func roomFor(_ attachments: [IncomingAttachment], from sender: Sender, on ticket: TicketID, preloaded: StoredCase?) async throws
        -> (kept: [IncomingAttachment], notKept: [CommandResult])
    {
        guard !attachments.isEmpty, sender.authentication != .strong else { return (attachments, []) }
        var loaded = preloaded
        if loaded == nil { loaded = try await store.load(ticket) }
        guard let stored = loaded else { return (attachments, []) }
        let keeping = stored.rolloutCase.rollout?.id ?? stored.rolloutCase.release.id
        let limit = configuration.ticketFilesMaxBytes
        var room = limit - (try await store.attachmentSummaries(of: keeping)).reduce(0) { $0 + $1.size }
        var kept: [IncomingAttachment] = []
        var notKept: [CommandResult] = []
        for attachment in attachments {
            if attachment.bytes.count <= room {
                room -= attachment.bytes.count
                kept.append(attachment)
            } else {
                notKept.append(
                    CommandResult(
                        line: "(attachment \(attachment.fileName))", status: .refused,
                        message: "not kept: ticket \(keeping) keeps at most \(limit) bytes of files from senders known by their From "
                            + "alone (inbound.ticket_files_max_bytes) and this one (\(attachment.bytes.count) bytes) would pass it; "
                            + "send it in a reply to the address the gateway's mail to you came from, or ask the managers",
                        refusal: .invalid))
                logger.warning(
                    "attachment not kept: the ticket's files would pass ticket_files_max_bytes",
                    metadata: ["ticket": "\(keeping.rawValue)", "file": "\(attachment.fileName)", "bytes": "\(attachment.bytes.count)"])
            }
        }
        return (kept, notKept)
    }

    /// Records mail about a ticket that could not be delivered.
    public func recordDeliveryFailure(
        on ticket: TicketID, recipients: [FailedRecipient], cause: Cause, seen: SeenMessage? = nil
    ) async throws -> EventReport {
        try await decideAndCommit(ticket, cause: cause, seen: seen) { _ in .deliveryFailed(recipients, cause: cause) }
    }

    // MARK: The one path every event takes

    func decideAndCommit(
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
                loaded = try await StageTimes.measureWall("store.load") { try await store.load(ticket) }
            }
            guard let stored = loaded else { throw GatewayError.unknownTicket(ticket) }
            let now = fixedNow ?? clock.now()
            let event = try await makeEvent(stored)
            var decision = StageTimes.measure("decide") { workflow.decide(stored.rolloutCase, event, now: now) }
            if let answer { decision = StageTimes.measure("decide.answer") { answer(decision) } }
            let answerFiles = try await completeAnswer(&decision, now: now)
            // A hook that ran for this event before a conflict made it decide again acted on the ticket as it was then.
            // A new decision that would not run it too records something else than what the hook did (the packages in
            // production, the ticket rejected by a manager's `outcome reject` committed meanwhile): nothing is
            // committed, and the event is not tried again by itself (issue: hooks before their commit).
            if let orphaned = hooksRun.first(where: { ran in !decision.hooks.contains { $0.isSameRun(as: ran) } }) {
                logger.critical(
                    "a hook ran, then the ticket changed and the event would now decide otherwise: nothing recorded",
                    metadata: ["ticket": "\(ticket.rawValue)", "hook": "\(orphaned.hook.rawValue)", "release": "\(orphaned.release.id.rawValue)", "cause": "\(cause)"])
                throw GatewayError.hookRanForChangedTicket(orphaned.hook, ticket)
            }
            // A hook that already ran for this event (before a conflict made it decide again) is not run twice.
            for hook in decision.hooks where !hooksRun.contains(where: { $0.isSameRun(as: hook) }) {
                try await hooks.run(hook)
                hooksRun.append(hook)
            }
            let roots = renderer.threadRoots(of: decision)
            let unknown = sentThreadRoots.unknown(among: roots)
            let found = unknown.isEmpty ? [] : try await StageTimes.measureWall("store.thread-roots") { try await store.outboxMessageIDs(among: unknown) }
            let rootsSent = Set(roots).subtracting(unknown).union(found)
            // Written before the transaction: it holds the store's write lock for the writes alone.
            let outbox = try StageTimes.measure("render") {
                try renderer.render(decision, cause: cause, now: now, rootsSent: rootsSent, answerFiles: answerFiles)
            }
            let storedAttachments = zip(attachments, decision.attachments).map { incoming, verdict in
                StoredAttachment(verdict: verdict, contentType: incoming.contentType, bytes: incoming.bytes)
            }
            let change = StoreCommit(
                base: stored, decision: decision, outbox: outbox, seen: seen, attachments: storedAttachments,
                firedTimer: firedTimer, firedTimerDueAt: firedTimerDueAt)
            do {
                // Atomic by itself, nested in a transaction or not (TicketRepository).
                try await StageTimes.measureWall("store.commit") { try await store.commit(change) }
            } catch StoreError.conflict {
                logger.debug("ticket changed under the event; deciding again", metadata: ["ticket": "\(ticket.rawValue)"])
                continue
            }
            // The roots found are remembered only once the decision is committed: within a transaction, when its owner
            // has committed it; never when it is undone.
            let waiting = AfterCommit(roots: found)
            if let afterCommit { afterCommit.adopt(waiting) } else { committed(waiting) }
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
