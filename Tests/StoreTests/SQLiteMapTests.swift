import Foundation
import GRDB
import Testing

@testable import StoreSQLite

/// `store.sqlite_map_mib` (issue 24): the part of the SQLite file mapped into memory is the setting's, on the
/// writer and on every reader.
@Suite("SQLite: the mapped part of the store file follows the setting")
struct SQLiteMapTests {
    @Test("mmap_size is what the store was opened with: 8 MiB, or 0 for none", arguments: [8 << 20, 0])
    func mapSize(bytes: Int) async throws {
        let path = NSTemporaryDirectory() + "rollout-map-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try SQLiteTicketStore(path: path, mapBytes: bytes)
        let read = try await store.pool.read { try Int.fetchOne($0, sql: "PRAGMA mmap_size") }
        let written = try await store.pool.write { try Int.fetchOne($0, sql: "PRAGMA mmap_size") }
        #expect(read == bytes && written == bytes)
    }
}
