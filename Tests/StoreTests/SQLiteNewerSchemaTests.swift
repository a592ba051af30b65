import Foundation
import GRDB
import RolloutGateway
import Testing

@testable import StoreSQLite

/// A SQLite store migrated by a newer rollout-gateway is refused, as a newer PostgreSQL schema is
/// (`PostgresStoreTests.newerSchemaRefused`): an older binary would use it without the changes it does not know.
@Suite("SQLite: a store migrated by a newer binary is refused")
struct SQLiteNewerSchemaTests {
    @Test("a migration this binary does not know: refused with a clear error, and the store left as it is")
    func newerStoreRefused() throws {
        let folder = NSTemporaryDirectory() + "rollout-newer-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = "\(folder)/gateway.sqlite"
        // The control: a store this binary made opens again.
        _ = try SQLiteTicketStore(path: path)
        _ = try SQLiteTicketStore(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')") }
        let before = try queue.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier") }
        try queue.close()

        var message = ""
        do {
            _ = try SQLiteTicketStore(path: path)
        } catch StoreError.unavailable(let detail) {
            message = detail
        }
        #expect(message.contains("migrated by a newer rollout-gateway (v99: from the future)"), "\(message)")
        #expect(message.contains("upgrade rollout-gateway before using this store"))
        let after = try DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier") }
        #expect(after == before && after.count == Schema.migrator.migrations.count + 1)
    }
}
