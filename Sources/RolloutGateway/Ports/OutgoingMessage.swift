import Foundation
import RolloutCore

/// A message in the outbox: rendered, addressed, waiting to be delivered.
public struct OutgoingMessage: Sendable, Equatable {
    /// The store's row number, once stored.
    public var rowID: Int64?
    /// The `Message-ID`, without angle brackets.
    public var messageID: String
    public var ticket: TicketID?
    public var kind: OutboxKind
    public var sender: EmailAddress
    public var recipients: [EmailAddress]
    /// The whole RFC 5322 message, CRLF line ends.
    public var data: [UInt8]
    public var createdAt: Date
    public var attempts: Int
    public var nextAttemptAt: Date

    public init(
        rowID: Int64? = nil, messageID: String, ticket: TicketID?, kind: OutboxKind, sender: EmailAddress,
        recipients: [EmailAddress], data: [UInt8], createdAt: Date, attempts: Int = 0,
        nextAttemptAt: Date? = nil
    ) {
        self.rowID = rowID
        self.messageID = messageID
        self.ticket = ticket
        self.kind = kind
        self.sender = sender
        self.recipients = recipients
        self.data = data
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt ?? createdAt
    }
}
