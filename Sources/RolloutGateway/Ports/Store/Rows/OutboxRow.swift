import Foundation
import RolloutCore

/// A row of `outbox` as both SQL drivers keep it, read by column name — a GRDB record on SQLite, the same coding keys
/// on PostgreSQL (``CodingKeys`` are the column names) — and made into the message in one place (``message()``): a
/// kind this version does not know is an error, never a default.
public struct OutboxRow: Codable, Sendable, Equatable {
    public static let table = "outbox"

    public var id: Int64
    public var messageID: String
    public var ticketID: Int?
    public var kind: String
    public var sender: String
    /// One address a line.
    public var recipients: String
    public var data: Data
    public var createdAt: Date
    public var attempts: Int
    public var nextAttemptAt: Date

    /// The columns, in the order the SQLite driver selects and reads them by position.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case messageID = "message_id"
        case ticketID = "ticket_id"
        case kind
        case sender
        case recipients
        case data
        case createdAt = "created_at"
        case attempts
        case nextAttemptAt = "next_attempt_at"
    }

    public init(
        id: Int64, messageID: String, ticketID: Int?, kind: String, sender: String, recipients: String, data: Data, createdAt: Date,
        attempts: Int, nextAttemptAt: Date
    ) {
        self.id = id
        self.messageID = messageID
        self.ticketID = ticketID
        self.kind = kind
        self.sender = sender
        self.recipients = recipients
        self.data = data
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
    }

    /// The queued message this row holds.
    public func message() throws -> OutgoingMessage {
        OutgoingMessage(
            rowID: id, messageID: messageID, ticket: ticketID.map(TicketID.init),
            kind: try OutboxKind(stored: kind, table: Self.table, column: CodingKeys.kind.rawValue), sender: EmailAddress(sender),
            recipients: recipients.split(separator: "\n").map { EmailAddress(String($0)) }, data: [UInt8](data), createdAt: createdAt,
            attempts: attempts, nextAttemptAt: nextAttemptAt)
    }
}
