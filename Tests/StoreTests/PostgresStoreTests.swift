import Foundation
import PostgresTestServer
import RolloutCore
import RolloutGateway
@testable import StorePostgres
import Testing
import TestSupport

/// What only the PostgreSQL driver does: several instances, claims that expire, the per-mailbox lock, its errors.
@Suite("PostgreSQL store: several instances on one database")
struct PostgresStoreTests {
    let server: PostgresServer

    init() throws { server = try PostgresServer.shared() }

    /// A store on `settings`, its connections served for the rest of the test run.
    func store(_ settings: PostgreSQLSettings, password: String? = nil) throws -> PostgresTicketStore {
        let store = try PostgresTicketStore(settings: settings, password: password ?? server.password)
        server.keepRunning(try store.runner())
        return store
    }

    @Test("a schema newer than the binary is refused with a clear error, and left as it is")
    func newerSchemaRefused() async throws {
        let settings = try server.makeDatabase()
        try await store(settings).migrate()
        try server.psql("INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')", database: settings.database)
        var message = ""
        do {
            try await store(settings).migrate()
        } catch StoreError.unavailable(let detail) {
            message = detail
        }
        #expect(message.contains("schema is version 99, newer than this rollout-gateway knows (\(PostgresSchema.latestVersion))"))
        #expect(try server.psql("SELECT COUNT(*) FROM schema_migrations", database: settings.database).trimmingCharacters(in: .whitespacesAndNewlines)
            == "\(PostgresSchema.latestVersion + 1)")
    }

    @Test("an instance's claims on outbox messages and timers come back when they expire (a crashed instance)")
    func claimsExpire() async throws {
        var settings = try server.makeDatabase()
        settings.claimSeconds = 60
        let crashed = try GatewayOverStore(try store(settings))
        let (_, ticket) = try await crashed.staged()
        try await crashed.apply("assign NGI_IT-INFN-T1", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00")
        let now = crashed.clock.now
        let claimed = try await crashed.store.pendingOutbox(at: now, limit: 100)
        #expect(!claimed.isEmpty)
        let timers = try await crashed.store.dueTimers(at: amsterdam("2026-11-30 15:00"))
        #expect(timers.count == 2)

        let survivor = try store(settings)
        #expect(try await survivor.pendingOutbox(at: now, limit: 100).isEmpty)
        #expect(try await survivor.dueTimers(at: amsterdam("2026-11-30 15:00")).isEmpty)
        // Each claim lasts claim_seconds from when it was taken, by the database's clock.
        func sql(_ query: String) throws -> String {
            try server.psql(query, database: settings.database).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try sql("""
            SELECT bool_and(claimed_until BETWEEN clock_timestamp() + interval '30 seconds' AND clock_timestamp() + interval '60 seconds')
            FROM (SELECT claimed_until FROM outbox WHERE claimed_until IS NOT NULL UNION ALL SELECT claimed_until FROM timers WHERE claimed_until IS NOT NULL) c
            """) == "t")
        // A minute later (the claims moved back by a minute: no test waits that long), they are free again.
        _ = try sql("""
            UPDATE outbox SET claimed_until = claimed_until - interval '61 seconds' WHERE claimed_until IS NOT NULL;
            UPDATE timers SET claimed_until = claimed_until - interval '61 seconds' WHERE claimed_until IS NOT NULL;
            """)
        #expect(try await survivor.pendingOutbox(at: now, limit: 100).map(\.messageID) == claimed.map(\.messageID))
        #expect(try await survivor.dueTimers(at: amsterdam("2026-11-30 15:00")).map(\.key) == timers.map(\.key))
    }

    @Test("two instances never claim the same outbox message")
    func outboxClaimsAreExclusive() async throws {
        let settings = try server.makeDatabase()
        let test = try GatewayOverStore(try store(settings))
        let (_, ticket) = try await test.staged()
        try await test.apply("assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00")
        let total = try await test.store.outboxCounts().queued
        let (a, b) = (try store(settings), try store(settings))
        async let first = a.pendingOutbox(at: test.clock.now, limit: 2)
        async let second = b.pendingOutbox(at: test.clock.now, limit: 100)
        let (one, two) = try await (first, second)
        #expect(Set(one.map(\.messageID)).isDisjoint(with: two.map(\.messageID)))
        #expect(one.count + two.count == total)
    }

    @Test("the mailbox lock lets one instance read a mailbox at a time")
    func mailboxLock() async throws {
        let settings = try server.makeDatabase()
        let (a, b) = (try store(settings), try store(settings))
        let inner = try await a.whileHolding(mailbox: "INBOX") { () async throws -> [String?] in
            [
                try await b.whileHolding(mailbox: "INBOX") { "second instance read INBOX" },
                try await b.whileHolding(mailbox: "Other") { "second instance read Other" },
            ]
        }
        #expect(inner == [nil, "second instance read Other"])
        #expect(try await b.whileHolding(mailbox: "INBOX") { "free again" } == "free again")
    }

    @Test("a wrong password and a server that is not there are errors of the store, without the password")
    func unusableDatabase() async throws {
        let settings = try server.makeDatabase()
        var refused = ""
        do {
            try await store(settings, password: "not-the-password").migrate()
        } catch StoreError.unavailable(let detail) {
            refused = detail
        }
        #expect(refused.contains("28P01"))
        #expect(!refused.contains("not-the-password"))

        var nowhere = settings
        nowhere.port = try freeLoopbackPort()
        var unreachable = ""
        do {
            _ = try await store(nowhere).ticketSummaries()
        } catch StoreError.unavailable(let detail) {
            unreachable = detail
        }
        #expect(unreachable.contains("cannot be reached"))
    }

    @Test("a value PostgreSQL cannot hold (a NUL in text) is refused as this event's data, not as the store being unusable")
    func refusedData() async throws {
        let store = try store(try server.makeDatabase())
        var detail = ""
        do {
            try await store.recordSeen(
                SeenMessage(key: "<a\u{0}b@example.org>", ticket: nil, sender: nil, disposition: .message(.setAside, reason: nil)), at: Date(), outbox: [])
        } catch StoreError.refused(let reason) {
            detail = reason
        }
        #expect(detail.contains("SQLSTATE 22"), "expected the store to refuse the data")
        // The ingest loop hands such a message to its source (failed/, or an attempt counted), and goes on.
        #expect(!IngestLoop<UnmovedTestSource>.isTemporary(StoreError.refused(detail)))
        #expect(!IngestLoop<UnmovedTestSource>.isStoreTemporary(StoreError.refused(detail)))
        // The store is still there for the next event.
        try await store.recordSeen(SeenMessage(key: "<fine@example.org>", ticket: nil, sender: nil, disposition: .message(.setAside, reason: nil)), at: Date(), outbox: [])
        #expect(try await store.hasSeen("<fine@example.org>"))
    }
}

/// A source that keeps nothing, to name the loop's rules.
struct UnmovedTestSource: IngestSource {
    func failed(_ index: Int, error: any Error) async throws -> IngestFailure { .keptAside(place: "nowhere") }
    func release(done: [Int], quarantined: [Int], retry: [Int]) async throws {}
}
