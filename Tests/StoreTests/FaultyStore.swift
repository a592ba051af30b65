import Foundation
import RolloutCore
import RolloutGateway

/// A store, or one of its transactions, that fails where a test says: once a write is done (so that the failure has
/// something to undo): the write throws when it returns, its work already in the transaction it was made in, which
/// must then undo it as a body that throws. Everything else goes to `inner` unchanged.
struct FaultyStore: StoreTransaction, UnitOfWork {
    /// A write that is about to be answered.
    enum Write: Sendable {
        case commit(StoreCommit)
        case recordSeen(SeenMessage)
        case keepSetAside(SetAsideMessage)
    }

    struct Injected: Error, Equatable {}

    let inner: any StoreTransaction
    /// Whether `write`, done and kept, throws ``Injected``.
    let failsAfter: @Sendable (Write) -> Bool
    /// Whether dropping set-aside mail finds nothing to drop (another replay, or the operator, dropped it meanwhile).
    let dropFindsNothing: Bool
    init(inner: any StoreTransaction, dropFindsNothing: Bool = false, failsAfter: @escaping @Sendable (Write) -> Bool) {
        self.inner = inner
        self.dropFindsNothing = dropFindsNothing
        self.failsAfter = failsAfter
    }

    private func check(_ write: Write) throws {
        if failsAfter(write) { throw Injected() }
    }

    func withTransaction<T: Sendable>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        let (failsAfter, dropFindsNothing) = (self.failsAfter, self.dropFindsNothing)
        return try await inner.withTransaction { transaction in
            try await body(FaultyStore(inner: transaction, dropFindsNothing: dropFindsNothing, failsAfter: failsAfter))
        }
    }

    // MARK: Writes that may fail

    func commit(_ commit: StoreCommit) async throws {
        try await inner.commit(commit)
        try check(.commit(commit))
    }

    func recordSeen(_ message: SeenMessage, at date: Date, outbox: [OutgoingMessage]) async throws {
        try await inner.recordSeen(message, at: date, outbox: outbox)
        try check(.recordSeen(message))
    }

    func keepSetAside(_ message: SetAsideMessage, limit: Int) async throws -> [SetAsideMessage] {
        let dropped = try await inner.keepSetAside(message, limit: limit)
        try check(.keepSetAside(message))
        return dropped
    }

    // MARK: Passed on

    func createRelease(_ release: ComponentRelease, links: ReleaseLinks, at date: Date, cause: Cause) async throws -> ReleaseTicket {
        try await inner.createRelease(release, links: links, at: date, cause: cause)
    }
    func reserveTicketID() async throws -> TicketID { try await inner.reserveTicketID() }
    func load(_ ticket: TicketID) async throws -> StoredCase? { try await inner.load(ticket) }
    func ticketSummaries() async throws -> [TicketSummary] { try await inner.ticketSummaries() }
    func history(of ticket: TicketID) async throws -> [HistoryEntry] { try await inner.history(of: ticket) }
    func relayedComments(on ticket: TicketID, by actor: EmailAddress, since: Date) async throws -> Int {
        try await inner.relayedComments(on: ticket, by: actor, since: since)
    }
    func timers(of ticket: TicketID) async throws -> [DueTimer] { try await inner.timers(of: ticket) }
    func relayWindow(on ticket: TicketID, by actor: EmailAddress, since: Date) async throws -> RelayWindow {
        try await inner.relayWindow(on: ticket, by: actor, since: since)
    }
    func attachments(of ticket: TicketID) async throws -> [StoredAttachment] { try await inner.attachments(of: ticket) }
    func attachmentSummaries(of ticket: TicketID) async throws -> [AttachmentSummary] { try await inner.attachmentSummaries(of: ticket) }
    func hasSeen(_ key: String) async throws -> Bool { try await inner.hasSeen(key) }
    func lookUp(messageKey: String, ticket: TicketID?, sender: EmailAddress?, answersSince: Date, sentText: SentTextRequest?)
        async throws -> InboundLookup
    {
        try await inner.lookUp(messageKey: messageKey, ticket: ticket, sender: sender, answersSince: answersSince, sentText: sentText)
    }
    func replyFacts(replayKeys: [String], relayOn ticket: TicketID?, by actor: EmailAddress?, since: Date) async throws -> ReplyFacts {
        try await inner.replyFacts(replayKeys: replayKeys, relayOn: ticket, by: actor, since: since)
    }
    func pendingOutbox(at now: Date, limit: Int) async throws -> [OutgoingMessage] { try await inner.pendingOutbox(at: now, limit: limit) }
    func recordDelivery(_ outcome: DeliveryOutcome, for message: OutgoingMessage, at date: Date) async throws {
        try await inner.recordDelivery(outcome, for: message, at: date)
    }
    func postpone(_ message: OutgoingMessage, until date: Date) async throws { try await inner.postpone(message, until: date) }
    func hold(_ message: OutgoingMessage, until date: Date, reason: String) async throws {
        try await inner.hold(message, until: date, reason: reason)
    }
    func heldOutbox() async throws -> [OutgoingMessage] { try await inner.heldOutbox() }
    func releaseHeld(to address: EmailAddress?, at now: Date) async throws -> [OutgoingMessage] {
        try await inner.releaseHeld(to: address, at: now)
    }
    func outboxCounts() async throws -> (queued: Int, sent: Int, failed: Int) { try await inner.outboxCounts() }
    func outboxCount(to address: EmailAddress, kind: OutboxKind, since: Date) async throws -> Int {
        try await inner.outboxCount(to: address, kind: kind, since: since)
    }
    func deliveredCount(to address: EmailAddress, kinds: [OutboxKind]?, since: Date) async throws -> Int {
        try await inner.deliveredCount(to: address, kinds: kinds, since: since)
    }
    func deliveredCount(ticket: TicketID, kinds: [OutboxKind]?, since: Date) async throws -> Int {
        try await inner.deliveredCount(ticket: ticket, kinds: kinds, since: since)
    }
    func queuedCount(ticket: TicketID, kind: OutboxKind, since: Date) async throws -> Int {
        try await inner.queuedCount(ticket: ticket, kind: kind, since: since)
    }
    func sentTextFingerprints(messageIDs: [String], ticket: TicketID?, recipient: EmailAddress?, limit: Int) async throws
        -> [OwnTextFingerprint]
    {
        try await inner.sentTextFingerprints(messageIDs: messageIDs, ticket: ticket, recipient: recipient, limit: limit)
    }
    func dueTimers(at now: Date) async throws -> [DueTimer] { try await inner.dueTimers(at: now) }
    func anyTimerDue(at now: Date) async throws -> Bool { try await inner.anyTimerDue(at: now) }
    func markFired(_ key: TimerKey, at date: Date) async throws { try await inner.markFired(key, at: date) }
    func setAsideMessages() async throws -> [SetAsideMessage] { try await inner.setAsideMessages() }
    func setAsideMessage(_ id: Int64) async throws -> SetAsideMessage? { try await inner.setAsideMessage(id) }
    func dropSetAside(_ id: Int64, forgettingSeen: Bool) async throws -> Bool {
        if dropFindsNothing { return false }
        return try await inner.dropSetAside(id, forgettingSeen: forgettingSeen)
    }
    func outboxMessageIDs(among messageIDs: [String]) async throws -> Set<String> { try await inner.outboxMessageIDs(among: messageIDs) }
}
