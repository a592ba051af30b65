import Foundation
import GRDB
import RolloutCore
import RolloutGateway
@testable import StorePostgres
@testable import StoreSQLite
import PostgresTestServer
import Testing

/// The look-up of a ticket's latest own words walks a partial index that leaves out answers and relays (SQLite v15,
/// PostgreSQL 7): its list of kinds is written into the schema, so it must stay the list the gateway means, and the
/// query must name it so that SQLite uses the index.
@Suite("A ticket's latest own words: the partial index and its kinds")
struct PartialIndexKindsTests {
    @Test("the index's kinds are the answers and the relays of other people's words, on both SQL drivers")
    func kinds() {
        let meant = (OutboxKind.answers + OutboxKind.relaysOthersWords).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        #expect(PostgresSchema.notOwnWordsKinds == meant)
        let comparisons = (OutboxKind.answers + OutboxKind.relaysOthersWords).map { "kind <> '\($0.rawValue)'" }.joined(separator: " AND ")
        #expect(SQLiteTicketStore.notOwnWordsCondition == comparisons)
    }

    @Test("SQLite reads a ticket's latest own words through outbox_own_words, not through every message of the ticket")
    func sqlitePlan() throws {
        let file = try MigratedSQLiteFile()
        let plan = try file.plan(SQLiteTicketStore.latestOwnWordsSQL, [2, "\nx@example.org\n", 20])
        #expect(plan.contains("USING INDEX outbox_own_words"), "\(plan)")
        // The index as the migration made it lists the kinds the query names (a later edit of the query's list alone
        // would leave every migrated store walking the ticket again).
        let definition = try file.queue.read { db in try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'outbox_own_words'") }
        #expect(definition?.hasSuffix(SQLiteTicketStore.notOwnWordsCondition) == true, "\(definition ?? "no index")")
    }

    @Test("PostgreSQL's index lists the kinds its query names, and a generic plan of the query uses it")
    func postgresIndex() async throws {
        let server = try PostgresServer.shared()
        let settings = try server.makeDatabase()
        let store = try PostgresTicketStore(settings: settings, password: server.password)
        server.keepRunning(try store.runner())
        try await store.migrate()
        let definition = try server.psql("SELECT indexdef FROM pg_indexes WHERE indexname = 'outbox_own_words'", database: settings.database)
        #expect(definition.contains("'transcript'::text") && definition.contains("'error-reply'::text") && definition.contains("'conversation'::text"), "\(definition)")
        #expect(PostgresSchema.notOwnWordsKinds == "'transcript', 'error-reply', 'conversation'")
        let plan = try server.psql(
            """
            SET enable_seqscan = off; SET plan_cache_mode = force_generic_plan;
            PREPARE latest(bigint, text) AS SELECT id FROM outbox WHERE ticket_id = $1 AND text_fingerprint IS NOT NULL
              AND kind NOT IN (\(PostgresSchema.notOwnWordsKinds)) AND strpos(E'\\n' || lower(recipients) || E'\\n', $2) > 0 ORDER BY id DESC LIMIT 20;
            EXPLAIN EXECUTE latest(2, 'x');
            """, database: settings.database)
        #expect(plan.contains("outbox_own_words"), "\(plan)")
    }
}
