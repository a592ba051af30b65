import Foundation
import RolloutCore

/// Tickets, their cases and history: what the rules engine reads and writes.
public protocol TicketRepository: Sendable {
    /// Creates a release ticket (`release new`) and records its creation.
    func createRelease(_ release: ComponentRelease, links: ReleaseLinks, at: Date, cause: Cause) async throws -> ReleaseTicket
    /// Takes the next number of the shared ticket sequence.
    func reserveTicketID() async throws -> TicketID
    /// Loads the case a ticket belongs to (a release ticket or its staged-rollout child).
    func load(_ ticket: TicketID) async throws -> StoredCase?
    /// Writes a decision and all it causes atomically: the case, its history, timer changes, outbox messages, the
    /// message seen and its attachments. Throws ``StoreError/conflict(_:)`` when the case changed since it was
    /// loaded, ``StoreError/alreadySeen(_:)`` when the message (or the fired timer) was recorded before.
    func commit(_ commit: StoreCommit) async throws
    func ticketSummaries() async throws -> [TicketSummary]
    /// A ticket's history, oldest first.
    func history(of ticket: TicketID) async throws -> [HistoryEntry]
    /// How many of a ticket's `comment` entries (mail relayed one by one) `actor` wrote after a time, the address
    /// compared without regard to case (``EmailAddress``): the flood limit's count (``RelayWindow``). An index answers
    /// it, whatever the ticket's age or how much others wrote on it in the hour.
    func relayedComments(on ticket: TicketID, by actor: EmailAddress, since: Date) async throws -> Int
    /// What the flood limit on relays reads of a ticket at once (``RelayWindow``): `actor`'s relayed comments since a
    /// time (``relayedComments(on:by:since:)``) and whether held relays wait (its `held-relays` timer is pending).
    func relayWindow(on ticket: TicketID, by actor: EmailAddress, since: Date) async throws -> RelayWindow
    /// A ticket's pending timers, soonest first.
    func timers(of ticket: TicketID) async throws -> [DueTimer]
    func attachments(of ticket: TicketID) async throws -> [StoredAttachment]
    /// ``attachments(of:)`` without their bytes, in the same order.
    func attachmentSummaries(of ticket: TicketID) async throws -> [AttachmentSummary]
}

extension TicketRepository {
    /// From its two parts, for drivers that have no cheaper way to read them together.
    public func relayWindow(on ticket: TicketID, by actor: EmailAddress, since: Date) async throws -> RelayWindow {
        RelayWindow(
            relayedLastHour: try await relayedComments(on: ticket, by: actor, since: since),
            heldWaiting: try await timers(of: ticket).contains { $0.key.kind == .heldRelays })
    }
}
