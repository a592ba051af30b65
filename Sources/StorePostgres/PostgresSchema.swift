import Logging
import PostgresNIO
import RolloutGateway

/// The store's migrations on PostgreSQL. They run by themselves when a store is first used, under an advisory lock
/// held by their transaction, so that instances starting together migrate once. Never edit a shipped one: add the next.
///
/// The tables and columns are those of the SQLite store (so that `store copy` moves rows as they are), with
/// PostgreSQL's types; what only several instances need (claims on outbox rows and timers) comes on top.
enum PostgresSchema {
    struct Migration: Sendable {
        var version: Int
        var name: String
        var sql: [String]
    }

    /// The advisory lock key of the migrations (any constant; the same in every binary).
    static let lockKey: Int64 = 0x726f_6c6c_6f75_7401  // "rollout" 01

    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "tickets, history, timers, messages, attachments, outbox, mailbox cursors, answer counts, set-aside messages",
            sql: [
                """
                CREATE TABLE ticket_sequence (
                    id BIGSERIAL PRIMARY KEY,
                    reserved_at TIMESTAMPTZ NOT NULL
                )
                """,
                """
                CREATE TABLE tickets (
                    id BIGINT PRIMARY KEY,
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
                    parent_id BIGINT REFERENCES tickets(id),
                    child_id BIGINT,
                    outcome TEXT,
                    document_id TEXT,
                    summary TEXT,
                    escalation_due_at TIMESTAMPTZ,
                    escalations_sent BIGINT NOT NULL DEFAULT 0,
                    all_reports_announced BOOLEAN NOT NULL DEFAULT false,
                    created_at TIMESTAMPTZ NOT NULL,
                    updated_at TIMESTAMPTZ NOT NULL,
                    row_version BIGINT NOT NULL DEFAULT 0
                )
                """,
                """
                CREATE TABLE ticket_teams (
                    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
                    team TEXT NOT NULL,
                    assigned_at TIMESTAMPTZ NOT NULL,
                    volunteered BOOLEAN NOT NULL,
                    answer_deadline TIMESTAMPTZ NOT NULL,
                    answer TEXT,
                    answered_at TIMESTAMPTZ,
                    answered_by TEXT,
                    testing_minimum_end TIMESTAMPTZ,
                    testing_maximum_end TIMESTAMPTZ,
                    extended_days BIGINT NOT NULL DEFAULT 0,
                    downtime BOOLEAN NOT NULL DEFAULT false,
                    report TEXT,
                    reported_at TIMESTAMPTZ,
                    unassigned_at TIMESTAMPTZ,
                    position BIGINT NOT NULL,
                    PRIMARY KEY (ticket_id, team)
                )
                """,
                """
                CREATE TABLE ggus_links (
                    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
                    ggus_ticket TEXT NOT NULL,
                    position BIGINT NOT NULL,
                    PRIMARY KEY (ticket_id, ggus_ticket)
                )
                """,
                """
                CREATE TABLE history (
                    id BIGSERIAL PRIMARY KEY,
                    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
                    at TIMESTAMPTZ NOT NULL,
                    cause_kind TEXT NOT NULL,
                    cause TEXT NOT NULL,
                    actor TEXT,
                    authentication TEXT,
                    action TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    authentication_basis TEXT
                )
                """,
                "CREATE INDEX history_by_ticket ON history(ticket_id, id)",
                """
                CREATE TABLE timers (
                    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
                    kind TEXT NOT NULL,
                    team TEXT NOT NULL DEFAULT '',
                    due_at TIMESTAMPTZ NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'fired', 'cancelled')),
                    settled_at TIMESTAMPTZ,
                    PRIMARY KEY (ticket_id, kind, team)
                )
                """,
                "CREATE INDEX timers_due ON timers(state, due_at)",
                """
                CREATE TABLE messages_seen (
                    message_key TEXT PRIMARY KEY,
                    ticket_id BIGINT,
                    sender TEXT,
                    disposition TEXT NOT NULL,
                    seen_at TIMESTAMPTZ NOT NULL
                )
                """,
                """
                CREATE TABLE attachments (
                    id BIGSERIAL PRIMARY KEY,
                    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
                    file_name TEXT NOT NULL,
                    content_type TEXT NOT NULL,
                    size BIGINT NOT NULL,
                    kind TEXT NOT NULL,
                    team TEXT,
                    well_named BOOLEAN NOT NULL,
                    problem TEXT,
                    data BYTEA NOT NULL,
                    received_at TIMESTAMPTZ NOT NULL,
                    message_key TEXT
                )
                """,
                "CREATE INDEX attachments_by_ticket ON attachments(ticket_id, id)",
                """
                CREATE TABLE outbox (
                    id BIGSERIAL PRIMARY KEY,
                    message_id TEXT NOT NULL UNIQUE,
                    ticket_id BIGINT,
                    kind TEXT NOT NULL,
                    sender TEXT NOT NULL,
                    recipients TEXT NOT NULL,
                    data BYTEA NOT NULL,
                    created_at TIMESTAMPTZ NOT NULL,
                    attempts BIGINT NOT NULL DEFAULT 0,
                    next_attempt_at TIMESTAMPTZ NOT NULL,
                    sent_at TIMESTAMPTZ,
                    failed_at TIMESTAMPTZ,
                    last_error TEXT,
                    text_fingerprint BYTEA
                )
                """,
                "CREATE INDEX outbox_pending ON outbox(next_attempt_at, id) WHERE sent_at IS NULL AND failed_at IS NULL",
                "CREATE INDEX outbox_by_kind_and_time ON outbox(kind, created_at)",
                "CREATE INDEX outbox_by_sent_time ON outbox(sent_at, ticket_id)",
                "CREATE INDEX outbox_by_ticket ON outbox(ticket_id, kind, created_at)",
                "CREATE INDEX outbox_by_ticket_and_id ON outbox(ticket_id, id)",
                """
                CREATE TABLE mailbox_cursors (
                    mailbox TEXT PRIMARY KEY,
                    uid_validity BIGINT NOT NULL,
                    last_uid BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE fetch_attempts (
                    mailbox TEXT NOT NULL,
                    uid_validity BIGINT NOT NULL,
                    uid BIGINT NOT NULL,
                    attempts BIGINT NOT NULL,
                    last_error TEXT NOT NULL,
                    PRIMARY KEY (mailbox, uid_validity, uid)
                )
                """,
                // Answers per recipient and minute: the per-sender limit reads at most 60 rows.
                """
                CREATE TABLE answer_counts (
                    recipient TEXT NOT NULL,
                    minute BIGINT NOT NULL,
                    answers BIGINT NOT NULL,
                    PRIMARY KEY (recipient, minute)
                )
                """,
                "CREATE INDEX answer_counts_by_minute ON answer_counts(minute)",
                """
                CREATE TABLE set_aside (
                    id BIGSERIAL PRIMARY KEY,
                    message_key TEXT NOT NULL UNIQUE,
                    sender TEXT,
                    subject TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    source TEXT NOT NULL,
                    received_at TIMESTAMPTZ NOT NULL,
                    size BIGINT NOT NULL,
                    message_size BIGINT NOT NULL,
                    data BYTEA NOT NULL
                )
                """,
                // The bytes kept, so that the bound is checked without summing every row; its one row is also the
                // lock that keeps two instances' set-aside bookkeeping apart.
                """
                CREATE TABLE set_aside_total (
                    id BIGINT PRIMARY KEY CHECK (id = 1),
                    bytes BIGINT NOT NULL
                )
                """,
                "INSERT INTO set_aside_total (id, bytes) VALUES (1, 0)",
            ]),
        Migration(
            version: 2, name: "claims on outbox messages and timers, for several instances",
            sql: [
                // Until when an instance has taken a row to work on; an expired claim is free again.
                "ALTER TABLE outbox ADD COLUMN claimed_until TIMESTAMPTZ",
                "ALTER TABLE timers ADD COLUMN claimed_until TIMESTAMPTZ",
            ]),
        Migration(
            version: 3, name: "when the last escalation of a staged rollout went, for one per working day",
            sql: ["ALTER TABLE tickets ADD COLUMN last_escalation_at TIMESTAMPTZ"]),
        Migration(
            version: 4, name: "when the mail behind a history entry was written, for stale commands",
            sql: ["ALTER TABLE history ADD COLUMN written_at TIMESTAMPTZ"]),
        Migration(version: 5, name: "the directory's snapshot and its changes", sql: PostgresSchema.directoryTables),
        Migration(version: 6, name: "the sender's relayed comments of the hour by an index, for the flood limit", sql: PostgresSchema.relayWindow),
        Migration(
            version: 7, name: "a ticket's latest own words by an index without its answers and relays",
            sql: ["CREATE INDEX outbox_own_words ON outbox(ticket_id, id) WHERE text_fingerprint IS NOT NULL AND kind NOT IN ('transcript', 'error-reply', 'conversation')"]),
    ]

    /// The kinds never read as a ticket's latest own words, as the partial index `outbox_own_words` (migration 7)
    /// lists them and the look-up repeats them (the SQLite store's `notOwnWordsKinds`, which says why).
    static let notOwnWordsKinds = "'transcript', 'error-reply', 'conversation'"

    /// Columns only this driver keeps, left out of ``StoreTransfer`` copies.
    static let driverColumns: Set<String> = ["claimed_until"]

    static var latestVersion: Int { migrations.last!.version }

    /// Brings the schema to `target` (default: the newest this binary knows), in one transaction under the
    /// migrations' advisory lock. Refuses a schema newer than this binary.
    static func migrate(_ connection: PostgresConnection, upTo target: Int = latestVersion, logger: Logger) async throws {
        try await connection.query("BEGIN", logger: logger).collect()
        do {
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger).collect()
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version BIGINT PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """, logger: logger
            ).collect()
            var current = 0
            for try await (version) in try await connection.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", logger: logger)
                .decode(Int.self)
            {
                current = version
            }
            guard current <= latestVersion else {
                throw StoreError.unavailable(
                    "the database's schema is version \(current), newer than this rollout-gateway knows (\(latestVersion)); upgrade rollout-gateway before using this database")
            }
            for migration in migrations where migration.version > current && migration.version <= target {
                for statement in migration.sql {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).collect()
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger
                ).collect()
                logger.info("store migrated", metadata: ["version": "\(migration.version)", "migration": "\(migration.name)"])
            }
            try await connection.query("COMMIT", logger: logger).collect()
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger).collect()
            throw error
        }
    }
}
