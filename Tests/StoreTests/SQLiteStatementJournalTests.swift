import Foundation
import GRDB
import RolloutGateway
import Testing

@testable import StoreSQLite

/// Every message and every due timer is a savepoint nested in its group's transaction (issue 19). SQLite keeps the
/// pages a savepoint changes in a statement journal, which it writes to a temporary file once it passes 64 KiB: on
/// `tick` that was two thirds of the process's writes (issue 24). On the writer the journal is kept in memory; undoing
/// a piece must still restore what it changed.
@Suite("SQLite: a piece's statement journal stays in memory")
struct SQLiteStatementJournalTests {
    struct Undo: Error {}

    @Test(
        "a piece that changes 1 MiB of the store opens no temporary file, and undoing it restores every page",
        .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/fd"), "open files are read from /proc"))
    func journalInMemory() async throws {
        let path = NSTemporaryDirectory() + "rollout-journal-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try SQLiteTicketStore(path: path)
        try await store.pool.write { db in
            try db.execute(sql: "CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB NOT NULL)")
            for id in 1...256 { try db.execute(sql: "INSERT INTO filler VALUES (?, zeroblob(4000))", arguments: [id]) }
        }
        let before = Self.temporaryFiles()
        var seenInside: [String]?
        try await store.withTransaction { group in
            await #expect(throws: Undo.self) {
                try await group.withTransaction { piece in
                    let writer = try #require(piece as? SQLiteTransaction)
                    try await writer.write { db in try db.execute(sql: "UPDATE filler SET data = randomblob(4000)") }
                    let changed = try await writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM filler WHERE data <> zeroblob(4000)") }
                    #expect(changed == 256)
                    seenInside = Self.temporaryFiles()
                    throw Undo()
                }
            }
        }
        let opened = Set(seenInside ?? []).subtracting(before)
        #expect(seenInside != nil && opened.isEmpty, "SQLite opened a temporary file for the savepoint's journal: \(opened)")
        let untouched = try await store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM filler WHERE data = zeroblob(4000)") }
        #expect(untouched == 256)
        let writer = try await store.pool.write { try String.fetchOne($0, sql: "PRAGMA temp_store") }
        let reader = try await store.pool.read { try String.fetchOne($0, sql: "PRAGMA temp_store") }
        #expect(writer == "2" && reader == "0", "in memory on the writer alone (readers sort in files as before)")
    }

    /// SQLite's temporary files open in this process (unlinked at once, so seen only through /proc).
    static func temporaryFiles() -> [String] {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)") }
            .filter { $0.contains("etilqs_") }.sorted()
    }
}
