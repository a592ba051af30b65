import Foundation
import GRDB
import RolloutGateway
import RolloutCore

/// The store's migrations. They run by themselves when the store opens; never edit a shipped one, add the next.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: tickets, history, timers, messages, attachments, outbox") { db in
            try db.execute(
                sql: """
                    -- One number sequence for both queues, as in RT; a reserved number may stay unused.
                    CREATE TABLE ticket_sequence (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        reserved_at DATETIME NOT NULL
                    );
                    CREATE TABLE tickets (
                        id INTEGER PRIMARY KEY,
                        queue TEXT NOT NULL CHECK (queue IN ('sw-rel', 'staged-rollout')),
                        status TEXT NOT NULL,
                        stack TEXT NOT NULL,
                        component TEXT,
                        version TEXT NOT NULL,
                        os TEXT,
                        arch TEXT,
                        release_notes TEXT NOT NULL,
                        fixed_bugs TEXT NOT NULL,
                        documentation TEXT NOT NULL,
                        owner TEXT,
                        parent_id INTEGER REFERENCES tickets(id),
                        child_id INTEGER,
                        outcome TEXT,
                        document_id TEXT,
                        summary TEXT,
                        escalation_due_at DATETIME,
                        escalations_sent INTEGER NOT NULL DEFAULT 0,
                        all_reports_announced BOOLEAN NOT NULL DEFAULT 0,
                        created_at DATETIME NOT NULL,
                        updated_at DATETIME NOT NULL,
                        row_version INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE TABLE ticket_teams (
                        ticket_id INTEGER NOT NULL REFERENCES tickets(id),
                        team TEXT NOT NULL,
                        assigned_at DATETIME NOT NULL,
                        volunteered BOOLEAN NOT NULL,
                        answer_deadline DATETIME NOT NULL,
                        answer TEXT,
                        answered_at DATETIME,
                        answered_by TEXT,
                        testing_minimum_end DATETIME,
                        testing_maximum_end DATETIME,
                        extended_days INTEGER NOT NULL DEFAULT 0,
                        downtime BOOLEAN NOT NULL DEFAULT 0,
                        report TEXT,
                        reported_at DATETIME,
                        unassigned_at DATETIME,
                        position INTEGER NOT NULL,
                        PRIMARY KEY (ticket_id, team)
                    );
                    CREATE TABLE ggus_links (
                        ticket_id INTEGER NOT NULL REFERENCES tickets(id),
                        ggus_ticket TEXT NOT NULL,
                        position INTEGER NOT NULL,
                        PRIMARY KEY (ticket_id, ggus_ticket)
                    );
                    CREATE TABLE history (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        ticket_id INTEGER NOT NULL REFERENCES tickets(id),
                        at DATETIME NOT NULL,
                        cause_kind TEXT NOT NULL,
                        cause TEXT NOT NULL,
                        actor TEXT,
                        authentication TEXT,
                        action TEXT NOT NULL,
                        detail TEXT NOT NULL
                    );
                    CREATE INDEX history_by_ticket ON history(ticket_id, id);
                    CREATE TABLE timers (
                        ticket_id INTEGER NOT NULL REFERENCES tickets(id),
                        kind TEXT NOT NULL,
                        team TEXT NOT NULL DEFAULT '',
                        due_at DATETIME NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'fired', 'cancelled')),
                        settled_at DATETIME,
                        PRIMARY KEY (ticket_id, kind, team)
                    );
                    CREATE INDEX timers_due ON timers(state, due_at);
                    CREATE TABLE messages_seen (
                        message_key TEXT PRIMARY KEY,
                        ticket_id INTEGER,
                        sender TEXT,
                        disposition TEXT NOT NULL,
                        seen_at DATETIME NOT NULL
                    );
                    CREATE TABLE attachments (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        ticket_id INTEGER NOT NULL REFERENCES tickets(id),
                        file_name TEXT NOT NULL,
                        content_type TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        team TEXT,
                        well_named BOOLEAN NOT NULL,
                        problem TEXT,
                        data BLOB NOT NULL,
                        received_at DATETIME NOT NULL,
                        message_key TEXT
                    );
                    CREATE TABLE outbox (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        message_id TEXT NOT NULL UNIQUE,
                        ticket_id INTEGER,
                        kind TEXT NOT NULL,
                        sender TEXT NOT NULL,
                        recipients TEXT NOT NULL,
                        data BLOB NOT NULL,
                        created_at DATETIME NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at DATETIME NOT NULL,
                        sent_at DATETIME,
                        failed_at DATETIME,
                        last_error TEXT
                    );
                    CREATE INDEX outbox_pending ON outbox(sent_at, failed_at, next_attempt_at);
                    """)
        }
        migrator.registerMigration("v2: index answers by kind and time, for the per-sender limit") { db in
            try db.execute(sql: "CREATE INDEX outbox_by_kind_and_time ON outbox(kind, created_at)")
        }
        migrator.registerMigration("v3: index deliveries by time, for the volume caps") { db in
            try db.execute(sql: "CREATE INDEX outbox_by_sent_time ON outbox(sent_at, ticket_id)")
        }
        migrator.registerMigration("v4: mailbox cursors and fetch attempts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE mailbox_cursors (
                        mailbox TEXT PRIMARY KEY,
                        uid_validity INTEGER NOT NULL,
                        last_uid INTEGER NOT NULL
                    );
                    CREATE TABLE fetch_attempts (
                        mailbox TEXT NOT NULL,
                        uid_validity INTEGER NOT NULL,
                        uid INTEGER NOT NULL,
                        attempts INTEGER NOT NULL,
                        last_error TEXT NOT NULL,
                        PRIMARY KEY (mailbox, uid_validity, uid)
                    );
                    """)
        }
        migrator.registerMigration("v6: fingerprints of sent text, to find our own text in replies") { db in
            try db.execute(
                sql: """
                    ALTER TABLE outbox ADD COLUMN text_fingerprint BLOB;
                    CREATE INDEX outbox_by_ticket ON outbox(ticket_id, id);
                    """)
            let rows = try Row.fetchCursor(db, sql: "SELECT id, data FROM outbox WHERE length(data) > 0")
            let update = try db.makeStatement(sql: "UPDATE outbox SET text_fingerprint = ? WHERE id = ?")
            while let row = try rows.next() {
                let data: Data = row["data"]
                let rowID: Int64 = row["id"]
                try update.execute(arguments: [SQLiteTicketStore.fingerprintValue(of: [UInt8](data)), rowID])
            }
        }
        migrator.registerMigration("v7: how each actor's authentication was established") { db in
            try db.execute(sql: "ALTER TABLE history ADD COLUMN authentication_basis TEXT")
        }
        migrator.registerMigration("v8: answers per recipient and minute, for the per-sender limit at constant cost") { db in
            // Counting a sender's answers of the last hour in the outbox scanned every answer of that hour (a
            // quadratic ingest when many are answered). One row per recipient and minute keeps a look-up at most
            // 60 rows, whatever was sent before.
            try db.execute(
                sql: """
                    CREATE TABLE answer_counts (
                        recipient TEXT NOT NULL,
                        minute INTEGER NOT NULL,
                        answers INTEGER NOT NULL,
                        PRIMARY KEY (recipient, minute)
                    ) WITHOUT ROWID;
                    CREATE INDEX answer_counts_by_minute ON answer_counts(minute);
                    """)
            let rows = try Row.fetchCursor(
                db, sql: "SELECT recipients, created_at FROM outbox WHERE kind IN ('transcript', 'error-reply')")
            while let row = try rows.next() {
                let recipients: String = row["recipients"]
                let created: Date = row["created_at"]
                for recipient in recipients.split(separator: "\n") {
                    try SQLiteTicketStore.countAnswer(to: EmailAddress(String(recipient)), at: created, db)
                }
            }
        }
        migrator.registerMigration("v9: set-aside messages kept, bounded in bytes") { db in
            try db.execute(
                sql: """
                    CREATE TABLE set_aside (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        message_key TEXT NOT NULL UNIQUE,
                        sender TEXT,
                        subject TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        source TEXT NOT NULL,
                        received_at DATETIME NOT NULL,
                        size INTEGER NOT NULL,
                        message_size INTEGER NOT NULL,
                        data BLOB NOT NULL
                    );
                    -- The bytes kept, so that the bound is checked without summing every row.
                    CREATE TABLE set_aside_total (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        bytes INTEGER NOT NULL
                    );
                    INSERT INTO set_aside_total (id, bytes) VALUES (1, 0);
                    """)
        }
        migrator.registerMigration("v10: when the last escalation of a staged rollout went, for one per working day") { db in
            try db.execute(sql: "ALTER TABLE tickets ADD COLUMN last_escalation_at DATETIME")
        }
        migrator.registerMigration("v11: when the mail behind a history entry was written, for stale commands") { db in
            try db.execute(sql: "ALTER TABLE history ADD COLUMN written_at DATETIME")
        }
        migrator.registerMigration("v12: the directory's snapshot and its changes") { db in try SQLiteTicketStore.migrateDirectory(db) }
        migrator.registerMigration("v13: the sender's relayed comments of the hour by an index, for the flood limit") { db in
            try SQLiteTicketStore.migrateRelayWindow(db)
        }
        migrator.registerMigration("v14: a ticket's latest own words by an index without its answers and relays") { db in
            try SQLiteTicketStore.migrateOwnWordsIndex(db)
        }
        migrator.registerMigration("v15: the own-words index and the timers' states checked without IN lists") { db in
            try SQLiteTicketStore.migrateToListFreeChecks(db)
        }
        return migrator
    }
}
