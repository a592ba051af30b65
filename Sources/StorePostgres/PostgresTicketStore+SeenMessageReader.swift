import PostgresNIO
import RolloutCore
import RolloutGateway

extension PostgresTicketStore: SeenMessageReader {
    public func seenMessage(_ key: String) async throws -> SeenMessage? {
        try await connection { connection in
            try await connection.rows("SELECT * FROM messages_seen WHERE message_key = \(key)").first.map(Self.seenMessage)
        }
    }

    static func seenMessage(_ row: PostgresRecord) throws -> SeenMessage {
        SeenMessage(
            key: try row.get("message_key"), ticket: try row.get("ticket_id", as: Int?.self).map(TicketID.init),
            sender: try row.get("sender", as: String?.self).map(EmailAddress.init),
            disposition: try SeenDisposition(stored: row.get("disposition"), table: "messages_seen", column: "disposition"))
    }
}
