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

    @Test("SQLite looks for a ticket's held-relays timer through its primary key, and counts the sender's relays in their index")
    func sqliteRelayWindowPlan() throws {
        let plan = try MigratedSQLiteFile().plan(SQLiteTicketStore.relayWindowSQL, [2, "m@x.org", "2026-11-28 10:00:00.000", 2])
        #expect(plan.contains("sqlite_autoindex_timers_1 (ticket_id=? AND kind=?)"), "\(plan)")
        #expect(plan.contains("history_relay_window"), "\(plan)")
        #expect(!plan.contains("timers_due"), "\(plan)")
    }
}
