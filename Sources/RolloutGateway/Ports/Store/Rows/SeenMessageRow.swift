import Foundation
import RolloutCore

/// A row of `messages_seen` as both SQL drivers keep it — a GRDB record on SQLite read by position from a SELECT of
/// ``CodingKeys`` in their order, the same coding keys on PostgreSQL — and made into the store's value in one place
/// (``seenMessage()``): a disposition this version does not know is an error (``SeenDisposition``).
public struct SeenMessageRow: Codable, Sendable, Equatable {
    public static let table = "messages_seen"

    public var messageKey: String
    public var ticketID: Int?
    public var sender: String?
    public var disposition: String

    public init(
        messageKey: String, ticketID: Int?, sender: String?, disposition: String
    ) {
        self.messageKey = messageKey
        self.ticketID = ticketID
        self.sender = sender
        self.disposition = disposition
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case messageKey = "message_key"
        case ticketID = "ticket_id"
        case sender
        case disposition
    }

    /// The columns read, in the order of ``CodingKeys``.
    public static let selection = CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")

    /// The seen message this row holds.
    public func seenMessage() throws -> SeenMessage {
        SeenMessage(
            key: messageKey, ticket: ticketID.map(TicketID.init), sender: sender.map(EmailAddress.init),
            disposition: try SeenDisposition(stored: disposition, table: Self.table, column: CodingKeys.disposition.rawValue))
    }
}
