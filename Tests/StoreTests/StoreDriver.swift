import Foundation
import GRDB
import PostgresNIO
import PostgresTestServer
import RolloutCore
import RolloutGateway
@testable import StorePostgres
@testable import StoreSQLite
import StoreMemory
import Testing

/// One store driver under the conformance suite: how to make a new, empty store of it.
struct StoreDriver: Sendable, CustomTestStringConvertible {
    let name: String
    /// A new, empty place for a store.
    let makePlace: @Sendable () throws -> StorePlace

    var testDescription: String { name }
}

/// Where one store lives. Opening it twice gives two handles on the same store, as two processes (or two gateway
/// instances) have.
struct StorePlace: Sendable {
    /// Opens the store, running its migrations.
    let open: @Sendable () async throws -> any TicketStore
    /// Brings an empty store to an earlier schema version, and writes there, with that version's SQL, release ticket
    /// #1 with its "created" history entry and one queued outbox message; nil for a store without a schema.
    let seedPreviousVersion: (@Sendable () async throws -> Void)?
}

extension StorePlace {
    /// Opens a store that `store copy` can read and write (SQLite, PostgreSQL).
    func openForCopy() async throws -> any TicketStore & StoreTransfer {
        try #require(try await open() as? any TicketStore & StoreTransfer)
    }
}

/// Every driver the suite runs on.
let drivers: [StoreDriver] = [.memory, .sqlite, .postgresql]
/// The drivers that keep a schema, and migrate it.
let migratingDrivers: [StoreDriver] = [.sqlite, .postgresql]

extension StoreDriver {
    /// In memory: every handle opened on one place is the same store, as two instances on one database share it.
    static let memory = StoreDriver(name: "memory") {
        let store = MemoryTicketStore()
        return StorePlace(open: { store }, seedPreviousVersion: nil)
    }

    static let sqlite = StoreDriver(name: "SQLite") {
        let path = NSTemporaryDirectory() + "rollout-store-\(UUID().uuidString).sqlite"
        return StorePlace(
            open: { try SQLiteTicketStore(path: path) },
            seedPreviousVersion: {
                let queue = try DatabaseQueue(path: path)
                try Schema.migrator.migrate(queue, upTo: "v4: mailbox cursors and fetch attempts")
                try queue.write { db in
                    let created = Date(timeIntervalSince1970: 1_795_000_000)
                    try seedReleaseTicket(db, at: created)
                    try db.execute(
                        sql: """
                            INSERT INTO history (ticket_id, at, cause_kind, cause, authentication, action, detail)
                            VALUES (1, ?, 'cli', 'release new', 'local', 'created', 'created before the upgrade')
                            """, arguments: [created])
                    try db.execute(
                        sql: """
                            INSERT INTO outbox (message_id, ticket_id, kind, sender, recipients, data, created_at, next_attempt_at)
                            VALUES ('<old@test>', 1, 'transcript', 'gw@example.org', 'someone@example.org', ?, ?, ?)
                            """, arguments: [Data("Subject: old\r\n\r\nbody\r\n".utf8), created, created])
                }
            })
    }

    static let postgresql = StoreDriver(name: "PostgreSQL") {
        let server = try PostgresServer.shared()
        let settings = try server.makeDatabase()
        return StorePlace(
            open: {
                let store = try PostgresTicketStore(settings: settings, password: server.password)
                server.keepRunning(try store.runner())
                try await store.migrate()
                return store
            },
            seedPreviousVersion: {
                let store = try PostgresTicketStore(settings: settings, password: server.password)
                try await store.migrate(upTo: PostgresSchema.latestVersion - 1)
                try server.psql(
                    """
                    INSERT INTO ticket_sequence (reserved_at) VALUES ('2026-11-19 07:06:40+00');
                    INSERT INTO tickets (id, queue, status, stack, component, version, os, arch, release_notes, fixed_bugs,
                      documentation, owner, created_at, updated_at)
                    VALUES (1, 'sw-rel', 'InVerification', 'EMI-1.0', 'SE-DPM_mysql', '1.8.0-1', 'SL5', 'x86_64', 'a', 'b', 'c',
                      'sw-rel', '2026-11-19 07:06:40+00', '2026-11-19 07:06:40+00');
                    INSERT INTO history (ticket_id, at, cause_kind, cause, authentication, action, detail)
                    VALUES (1, '2026-11-19 07:06:40+00', 'cli', 'release new', 'local', 'created', 'created before the upgrade');
                    INSERT INTO outbox (message_id, ticket_id, kind, sender, recipients, data, created_at, next_attempt_at)
                    VALUES ('<old@test>', 1, 'transcript', 'gw@example.org', 'someone@example.org',
                      convert_to(E'Subject: old\\r\\n\\r\\nbody\\r\\n', 'UTF8'), '2026-11-19 07:06:40+00', '2026-11-19 07:06:40+00');
                    """, database: settings.database)
            })
    }
}

/// Release ticket #1 as the SQLite schema of every version since v1 holds it, for the upgrade tests.
func seedReleaseTicket(_ db: Database, at created: Date) throws {
    try db.execute(sql: "INSERT INTO ticket_sequence (id, reserved_at) VALUES (1, ?)", arguments: [created])
    try db.execute(
        sql: """
            INSERT INTO tickets (id, queue, status, stack, component, version, os, arch, release_notes, fixed_bugs,
              documentation, owner, created_at, updated_at)
            VALUES (1, 'sw-rel', 'InVerification', 'EMI-1.0', 'SE-DPM_mysql', '1.8.0-1', 'SL5', 'x86_64', 'a', 'b', 'c',
              'sw-rel', ?, ?)
            """, arguments: [created, created])
}
