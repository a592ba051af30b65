import Foundation
import GRDB
import RolloutGateway

/// Thread roots sent (issue 20 #8): a look-up of the outbox's unique Message-IDs.
extension SQLiteScope {
    public func outboxMessageIDs(among messageIDs: [String]) async throws -> Set<String> {
        guard !messageIDs.isEmpty else { return [] }
        return try await read { db in
            // One ID at a time through one prepared statement: a statement with as many marks as IDs was prepared
            // again for every notice (about a twentieth of `tick`'s firing); here each is one look-up of the unique index.
            let statement = try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM outbox WHERE message_id = ?)")
            var found = Set<String>()
            for messageID in Set(messageIDs) where try Bool.fetchOne(statement, arguments: [messageID]) ?? false {
                found.insert(messageID)
            }
            return found
        }
    }
}
