import GRDB

/// Migration v15: no `IN (…)` list of three or more values in an expression SQLite evaluates at each write. For such a
/// list SQLite fills a temporary table (a B-tree of its own, opened, filled and closed) every time it tests a row
/// against it: at every outbox insert for the own-words index's condition (v14), at every timer written for the timers'
/// `CHECK` — 4,500 temporary tables and 6.5% of the instructions of a `tick` firing 1,200 timers (BENCHMARKS.md).
/// The same conditions as comparisons joined by `AND` / `OR` cost a few instructions each.
extension SQLiteTicketStore {
    static func migrateToListFreeChecks(_ db: Database) throws {
        try db.execute(
            sql: """
                DROP INDEX outbox_own_words;
                CREATE INDEX outbox_own_words ON outbox(ticket_id, id)
                    WHERE text_fingerprint IS NOT NULL AND kind <> 'transcript' AND kind <> 'error-reply' AND kind <> 'conversation';
                CREATE TABLE timers_v15 (
                    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
                    kind TEXT NOT NULL,
                    team TEXT NOT NULL DEFAULT '',
                    due_at DATETIME NOT NULL,
                    state TEXT NOT NULL CHECK (state = 'pending' OR state = 'fired' OR state = 'cancelled'),
                    settled_at DATETIME,
                    PRIMARY KEY (ticket_id, kind, team)
                );
                INSERT INTO timers_v15 (ticket_id, kind, team, due_at, state, settled_at)
                    SELECT ticket_id, kind, team, due_at, state, settled_at FROM timers;
                DROP TABLE timers;
                ALTER TABLE timers_v15 RENAME TO timers;
                CREATE INDEX timers_due ON timers(state, due_at);
                """)
    }
}
