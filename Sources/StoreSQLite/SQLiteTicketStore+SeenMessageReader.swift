import GRDB
import RolloutCore
import RolloutGateway

extension SQLiteTicketStore: SeenMessageReader {
    public func seenMessage(_ key: String) async throws -> SeenMessage? {
        try await read { db in
            try SeenMessageRow.fetchOne(
                db.cachedStatement(sql: "SELECT \(SeenMessageRow.selection) FROM messages_seen WHERE message_key = ?"), arguments: [key]
            ).map { try $0.seenMessage() }
        }
    }
}
