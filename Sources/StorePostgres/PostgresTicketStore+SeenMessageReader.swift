import PostgresNIO
import RolloutCore
import RolloutGateway

extension PostgresTicketStore: SeenMessageReader {
    public func seenMessage(_ key: String) async throws -> SeenMessage? {
        try await connection { connection in
            try await connection.rows(
                PostgresQuery(
                    unsafeSQL: "SELECT \(SeenMessageRow.selection) FROM messages_seen WHERE message_key = $1", binds: PostgresTransaction.binds(key))
            ).first.map { try PostgresRowDecoder.decode(SeenMessageRow.self, from: $0).seenMessage() }
        }
    }
}
