@testable import StoreSQLite
import Testing

/// SQLite has no statistics about the store (no `ANALYZE`), so it picks an index by the query's shape alone.
@Suite("SQLite's plans for reading timers")
struct TimerPlanTests {
    @Test("SQLite reads a ticket's pending timers through its primary key, not through every pending timer of the store")
    func sqliteTimersPlan() throws {
        let plan = try MigratedSQLiteFile().plan(SQLiteTicketStore.pendingTimersOfTicketSQL, [2])
        #expect(plan.contains("USING INDEX sqlite_autoindex_timers_1 (ticket_id=?)"), "\(plan)")
    }
}
