import Foundation
import PostgresNIO
import RolloutGateway

/// Thread roots sent (issue 20 #8): a look-up of the outbox's unique Message-IDs.
extension PostgresTransaction {
    public func outboxMessageIDs(among messageIDs: [String]) async throws -> Set<String> {
        guard !messageIDs.isEmpty else { return [] }
        return try await read { connection in
            var found = Set<String>()
            for row in try await connection.rows("SELECT message_id FROM outbox WHERE message_id = ANY(\(messageIDs))") {
                found.insert(try row.get("message_id"))
            }
            return found
        }
    }
}
