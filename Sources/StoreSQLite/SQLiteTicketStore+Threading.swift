import Foundation
import GRDB
import RolloutGateway

/// Thread roots sent (issue 20 #8): a look-up of the outbox's unique Message-IDs.
extension SQLiteScope {
    public func outboxMessageIDs(among messageIDs: [String]) async throws -> Set<String> {
        guard !messageIDs.isEmpty else { return [] }
        return try await read { db in
            var found = Set<String>()
            // In slices, within SQLite's limit on bound values.
            for start in stride(from: 0, to: messageIDs.count, by: 500) {
                let slice = Array(messageIDs[start..<min(start + 500, messageIDs.count)])
                let marks = slice.map { _ in "?" }.joined(separator: ", ")
                found.formUnion(
                    try String.fetchAll(db, sql: "SELECT message_id FROM outbox WHERE message_id IN (\(marks))", arguments: StatementArguments(slice)))
            }
            return found
        }
    }
}
