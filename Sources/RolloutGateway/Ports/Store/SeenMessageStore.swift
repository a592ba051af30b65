import Foundation
import RolloutCore

/// The messages seen, so that each is applied once.
public protocol SeenMessageStore: Sendable {
    /// Records a message that changes no ticket (a duplicate, a message set aside), with any answer to it.
    func recordSeen(_ message: SeenMessage, at: Date, outbox: [OutgoingMessage]) async throws
    func hasSeen(_ key: String) async throws -> Bool
    /// Whether a message was seen, its ticket's case, the answers to its sender since a time and, for a reply, the
    /// fingerprints of the sent text it may quote (`sentText`, of `ticket` to `sender`), in one read.
    func lookUp(messageKey: String, ticket: TicketID?, sender: EmailAddress?, answersSince: Date, sentText: SentTextRequest?)
        async throws -> InboundLookup
    /// Whether any of `replayKeys` was recorded and, given a ticket and an actor, the actor's relay window on the ticket
    /// since a time (``TicketRepository/relayWindow(on:by:since:)``), in one read.
    func replyFacts(replayKeys: [String], relayOn ticket: TicketID?, by actor: EmailAddress?, since: Date) async throws -> ReplyFacts
}

extension SeenMessageStore {
    /// The look-up without sent text.
    public func lookUp(messageKey: String, ticket: TicketID?, sender: EmailAddress?, answersSince: Date) async throws -> InboundLookup {
        try await lookUp(messageKey: messageKey, ticket: ticket, sender: sender, answersSince: answersSince, sentText: nil)
    }
}

extension SeenMessageStore {
    public func recordSeen(_ message: SeenMessage, at date: Date) async throws {
        try await recordSeen(message, at: date, outbox: [])
    }
}
