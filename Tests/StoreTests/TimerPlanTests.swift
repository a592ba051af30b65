import Foundation
import GRDB
@testable import StoreSQLite
import Testing

/// SQLite has no statistics about the store (no `ANALYZE`), so it picks an index by the query's shape alone.
@Suite("SQLite's plans for reading timers")
struct TimerPlanTests {
    @Test("SQLite reads a ticket's pending timers through its primary key, not through every pending timer of the store")
    func sqliteTimersPlan() throws {
        let folder = NSTemporaryDirectory() + "rollout-timers-plan-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let queue = try DatabaseQueue(path: "\(folder)/gateway.sqlite")
        try Schema.migrator.migrate(queue)
        let plan = try queue.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteTicketStore.pendingTimersOfTicketSQL, arguments: [2])
                .map { $0["detail"] as String }.joined(separator: "\n")
        }
        #expect(plan.contains("USING INDEX sqlite_autoindex_timers_1 (ticket_id=?)"), "\(plan)")
    }
}
