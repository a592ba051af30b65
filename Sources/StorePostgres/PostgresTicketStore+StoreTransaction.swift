import Foundation
import RolloutCore
import RolloutGateway

/// The store's own methods: each one a transaction of its own, run by the same code as within
/// ``withTransaction(_:)`` (``PostgresTransaction``).
extension PostgresTicketStore {
    public func reserveTicketID() async throws -> TicketID {
        try await transaction { try await $0.reserveTicketID() }
    }

    public func createRelease(_ release: ComponentRelease, links: ReleaseLinks, at date: Date, cause: Cause) async throws -> ReleaseTicket {
        try await transaction { try await $0.createRelease(release, links: links, at: date, cause: cause) }
    }

    public func load(_ ticket: TicketID) async throws -> StoredCase? {
        try await transaction { try await $0.load(ticket) }
    }

    public func commit(_ commit: StoreCommit) async throws {
        try await transaction { try await $0.commit(commit) }
    }

    public func recordSeen(_ message: SeenMessage, at date: Date, outbox: [OutgoingMessage]) async throws {
        try await transaction { try await $0.recordSeen(message, at: date, outbox: outbox) }
    }

    public func lookUp(messageKey: String, ticket: TicketID?, sender: EmailAddress?, answersSince: Date, sentText: SentTextRequest?)
        async throws -> InboundLookup
    {
        try await transaction {
            try await $0.lookUp(messageKey: messageKey, ticket: ticket, sender: sender, answersSince: answersSince, sentText: sentText)
        }
    }

    public func replyFacts(replayKeys: [String], relayOn ticket: TicketID?, by actor: EmailAddress?, since: Date) async throws -> ReplyFacts {
        try await transaction { try await $0.replyFacts(replayKeys: replayKeys, relayOn: ticket, by: actor, since: since) }
    }

    public func outboxCount(to address: EmailAddress, kind: OutboxKind, since: Date) async throws -> Int {
        try await transaction { try await $0.outboxCount(to: address, kind: kind, since: since) }
    }

    public func hasSeen(_ key: String) async throws -> Bool {
        try await transaction { try await $0.hasSeen(key) }
    }

    public func dueTimers(at now: Date) async throws -> [DueTimer] {
        try await transaction { try await $0.dueTimers(at: now) }
    }

    public func anyTimerDue(at now: Date) async throws -> Bool {
        try await transaction { try await $0.anyTimerDue(at: now) }
    }

    public func timers(of ticket: TicketID) async throws -> [DueTimer] {
        try await transaction { try await $0.timers(of: ticket) }
    }

    public func markFired(_ key: TimerKey, at date: Date) async throws {
        try await transaction { try await $0.markFired(key, at: date) }
    }

    public func ticketSummaries() async throws -> [TicketSummary] {
        try await transaction { try await $0.ticketSummaries() }
    }

    public func history(of ticket: TicketID) async throws -> [HistoryEntry] {
        try await transaction { try await $0.history(of: ticket) }
    }

    public func relayedComments(on ticket: TicketID, by actor: EmailAddress, since: Date) async throws -> Int {
        try await transaction { try await $0.relayedComments(on: ticket, by: actor, since: since) }
    }

    public func relayWindow(on ticket: TicketID, by actor: EmailAddress, since: Date) async throws -> RelayWindow {
        try await transaction { try await $0.relayWindow(on: ticket, by: actor, since: since) }
    }

    public func attachments(of ticket: TicketID) async throws -> [StoredAttachment] {
        try await transaction { try await $0.attachments(of: ticket) }
    }

    public func attachmentSummaries(of ticket: TicketID) async throws -> [AttachmentSummary] {
        try await transaction { try await $0.attachmentSummaries(of: ticket) }
    }

    public func pendingOutbox(at now: Date, limit: Int) async throws -> [OutgoingMessage] {
        try await transaction { try await $0.pendingOutbox(at: now, limit: limit) }
    }

    public func recordDelivery(_ outcome: DeliveryOutcome, for message: OutgoingMessage, at date: Date) async throws {
        try await transaction { try await $0.recordDelivery(outcome, for: message, at: date) }
    }

    public func deliveredCount(to address: EmailAddress, kinds: [OutboxKind]?, since: Date) async throws -> Int {
        try await transaction { try await $0.deliveredCount(to: address, kinds: kinds, since: since) }
    }

    public func deliveredCount(ticket: TicketID, kinds: [OutboxKind]?, since: Date) async throws -> Int {
        try await transaction { try await $0.deliveredCount(ticket: ticket, kinds: kinds, since: since) }
    }

    public func queuedCount(ticket: TicketID, kind: OutboxKind, since: Date) async throws -> Int {
        try await transaction { try await $0.queuedCount(ticket: ticket, kind: kind, since: since) }
    }

    public func postpone(_ message: OutgoingMessage, until date: Date) async throws {
        try await transaction { try await $0.postpone(message, until: date) }
    }

    public func outboxCounts() async throws -> (queued: Int, sent: Int, failed: Int) {
        try await transaction { try await $0.outboxCounts() }
    }

    public func hold(_ message: OutgoingMessage, until date: Date, reason: String) async throws {
        try await transaction { try await $0.hold(message, until: date, reason: reason) }
    }

    public func heldOutbox() async throws -> [OutgoingMessage] {
        try await transaction { try await $0.heldOutbox() }
    }

    public func releaseHeld(to address: EmailAddress?, at now: Date) async throws -> [OutgoingMessage] {
        try await transaction { try await $0.releaseHeld(to: address, at: now) }
    }

    public func sentTextFingerprints(messageIDs: [String], ticket: TicketID?, recipient: EmailAddress?, limit: Int) async throws -> [OwnTextFingerprint] {
        try await transaction { try await $0.sentTextFingerprints(messageIDs: messageIDs, ticket: ticket, recipient: recipient, limit: limit) }
    }

    public func keepSetAside(_ message: SetAsideMessage, limit: Int) async throws -> [SetAsideMessage] {
        try await transaction { try await $0.keepSetAside(message, limit: limit) }
    }

    public func setAsideMessages() async throws -> [SetAsideMessage] {
        try await transaction { try await $0.setAsideMessages() }
    }

    public func setAsideMessage(_ id: Int64) async throws -> SetAsideMessage? {
        try await transaction { try await $0.setAsideMessage(id) }
    }

    public func dropSetAside(_ id: Int64, forgettingSeen: Bool) async throws -> Bool {
        try await transaction { try await $0.dropSetAside(id, forgettingSeen: forgettingSeen) }
    }

    public func outboxMessageIDs(among messageIDs: [String]) async throws -> Set<String> {
        try await transaction { try await $0.outboxMessageIDs(among: messageIDs) }
    }
}
