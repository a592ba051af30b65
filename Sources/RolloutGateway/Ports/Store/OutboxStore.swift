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
    func outboxCounts() async throws -> (queued: Int, sent: Int, failed: Int)
    /// How many messages of a kind were queued to an address since a time (for rate limits).
    func outboxCount(to address: EmailAddress, kind: OutboxKind, since: Date) async throws -> Int
    /// Messages of some kinds (nil: of every kind) delivered since a time to an address, and for a ticket (for the
    /// volume caps, which count each class of mail apart: ``OutboxKind/CapClass``).
    func deliveredCount(to address: EmailAddress, kinds: [OutboxKind]?, since: Date) async throws -> Int
    func deliveredCount(ticket: TicketID, kinds: [OutboxKind]?, since: Date) async throws -> Int
    /// Messages of a kind queued for a ticket since a time.
    func queuedCount(ticket: TicketID, kind: OutboxKind, since: Date) async throws -> Int
}

extension OutboxStore {
    /// Messages of every kind delivered since a time to an address.
    public func deliveredCount(to address: EmailAddress, since: Date) async throws -> Int {
        try await deliveredCount(to: address, kinds: nil, since: since)
    }

    /// Messages of every kind delivered since a time for a ticket.
    public func deliveredCount(ticket: TicketID, since: Date) async throws -> Int {
        try await deliveredCount(ticket: ticket, kinds: nil, since: since)
    }
}
