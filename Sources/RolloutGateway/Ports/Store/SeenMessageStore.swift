import Foundation
import RolloutCore

/// The messages seen, so that each is applied once.
public protocol SeenMessageStore: Sendable {
    /// Records a message that changes no ticket (a duplicate, a message set aside), with any answer to it.
    func recordSeen(_ message: SeenMessage, at: Date, outbox: [OutgoingMessage]) async throws
    func hasSeen(_ key: String) async throws -> Bool
    /// Whether a message was seen, its ticket's case and the answers to its sender since a time, in one read.
    func lookUp(messageKey: String, ticket: TicketID?, sender: EmailAddress?, answersSince: Date) async throws -> InboundLookup
}

extension SeenMessageStore {
    public func recordSeen(_ message: SeenMessage, at date: Date) async throws {
        try await recordSeen(message, at: date, outbox: [])
    }
}
