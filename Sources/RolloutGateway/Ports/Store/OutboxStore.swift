import Foundation
import RolloutCore

/// The outbox: messages waiting to be delivered, and what became of them.
public protocol OutboxStore: Sendable {
    /// Outbox messages ready to go at `now`, oldest first.
    func pendingOutbox(at now: Date, limit: Int) async throws -> [OutgoingMessage]
    /// Records what became of a delivery attempt.
    func recordDelivery(_ outcome: DeliveryOutcome, for message: OutgoingMessage, at: Date) async throws
    /// Keeps a message in the outbox until a later time, without counting an attempt.
    func postpone(_ message: OutgoingMessage, until: Date) async throws
    /// Keeps a message in the outbox until a later time, marked as held by the volume caps (``DeliveryRecord/held(_:)``),
    /// without counting an attempt: ``heldOutbox()`` lists it until it is sent, released or tried again.
    func hold(_ message: OutgoingMessage, until: Date, reason: String) async throws
    /// The queued messages the volume caps hold, oldest first; each one's ``OutgoingMessage/nextAttemptAt`` is when
    /// the caps are asked again.
    func heldOutbox() async throws -> [OutgoingMessage]
    /// Frees the held messages (those to `address`, or all of them) to go at `now`, the mark taken off; returns them.
    func releaseHeld(to address: EmailAddress?, at now: Date) async throws -> [OutgoingMessage]
    func outboxCounts() async throws -> (queued: Int, sent: Int, failed: Int)
    /// How many messages of a kind were queued to an address since a time (for rate limits).
    func outboxCount(to address: EmailAddress, kind: OutboxKind, since: Date) async throws -> Int
    /// Messages of some kinds (nil: of every kind) delivered since a time to an address (for the volume caps, which
    /// count each class of mail apart: ``OutboxKind/CapClass``).
    func deliveredCount(to address: EmailAddress, kinds: [OutboxKind]?, since: Date) async throws -> Int
    /// Notifications of some kinds delivered since a time for a ticket: the per-person copies of one notification
    /// (same kind, queued at the same moment) count once, so that a ticket with many people is not capped sooner.
    func deliveredCount(ticket: TicketID, kinds: [OutboxKind]?, since: Date) async throws -> Int
    /// Messages of a kind queued for a ticket since a time.
    func queuedCount(ticket: TicketID, kind: OutboxKind, since: Date) async throws -> Int
}

extension OutboxStore {
    /// Messages of every kind delivered since a time to an address.
    public func deliveredCount(to address: EmailAddress, since: Date) async throws -> Int {
        try await deliveredCount(to: address, kinds: nil, since: since)
    }

    /// Notifications of every kind delivered since a time for a ticket (copies counted once).
    public func deliveredCount(ticket: TicketID, since: Date) async throws -> Int {
        try await deliveredCount(ticket: ticket, kinds: nil, since: since)
    }
}
