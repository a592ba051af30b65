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
    /// The whole RFC 5322 message, CRLF line ends (empty while ``composing`` is set).
    public var data: [UInt8]
    /// The message's bytes while another thread writes them (see ``TicketStore/takesComposingMessages``).
    public var composing: ComposedBytes?
    public var createdAt: Date
    public var attempts: Int
    public var nextAttemptAt: Date

    public init(
        rowID: Int64? = nil, messageID: String, ticket: TicketID?, kind: OutboxKind, sender: EmailAddress,
        recipients: [EmailAddress], data: [UInt8], composing: ComposedBytes? = nil, createdAt: Date, attempts: Int = 0,
        nextAttemptAt: Date? = nil
    ) {
        self.rowID = rowID
        self.messageID = messageID
        self.ticket = ticket
        self.kind = kind
        self.sender = sender
        self.recipients = recipients
        self.data = data
        self.composing = composing
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt ?? createdAt
    }
}
