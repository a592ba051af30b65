import GRDB
import RolloutCore
import RolloutGateway

extension SQLiteTicketStore: SeenMessageReader {
    public func seenMessage(_ key: String) async throws -> SeenMessage? {
        try await read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM messages_seen WHERE message_key = ?"), arguments: [key])
                .map(Self.seenMessage)
        }
    }

    static func seenMessage(_ row: Row) throws -> SeenMessage {
        SeenMessage(
            key: row["message_key"], ticket: (row["ticket_id"] as Int?).map(TicketID.init),
            sender: (row["sender"] as String?).map(EmailAddress.init),
            disposition: try SeenDisposition(stored: row["disposition"], table: "messages_seen", column: "disposition"))
    }
}
